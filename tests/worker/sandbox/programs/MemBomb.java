import java.util.ArrayList;
public class MemBomb { public static void main(String[] a) { ArrayList<long[]> keep = new ArrayList<>(); while (true) keep.add(new long[1 << 17]); } }
