public class Busy { public static void main(String[] a) { long i = 0; while (true) { i++; if (i == -1) break; } System.out.println(i); } }
