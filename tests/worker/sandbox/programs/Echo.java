import java.util.Scanner;
/* public class Decoy { public static void main(String[] a) {} } */
public class Echo {
    public static void main(String[] args) {
        System.out.println(new Scanner(System.in).next().toUpperCase());
    }
}
