import java.util.ArrayList;

public class Hoard {
    public static void main(String[] args) {
        ArrayList<long[]> blocks = new ArrayList<>();
        while (true) blocks.add(new long[2 * 1024 * 1024]);
    }
}
