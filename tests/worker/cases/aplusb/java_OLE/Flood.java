import java.io.PrintWriter;

public class Flood {
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out);
        while (true) out.println("9999999999999999999999999999999999999999");
    }
}
