// The cost of binding the C library at start: run with the drop-in jar on the class path.
//   javac -cp JAR FfiStartup.java && java -Xmx512m -Xlog:gc+heap+exit -cp JAR:. FfiStartup bind
// "none" binds nothing (the JVM alone); "bind" makes one syscall(2) and one getpid() through the
// jar's bindings. Prints the time the binding took and VmHWM/VmRSS 0.3 s later.
public class FfiStartup {
    public static void main(String[] args) throws Exception {
        long t = System.nanoTime();
        if (args[0].equals("bind")) {
            long p = io.flexsc.nio.ffi.RawSyscall.invoke3(39, 0, 0, 0);
            long q = io.flexsc.nio.ffi.Sys.libc().getpid();
            System.out.println("pid " + p + " " + q);
        }
        System.out.println("ms " + (System.nanoTime() - t) / 1e6);
        Thread.sleep(300);
        String s = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/status")));
        for (String l : s.split("\n")) {
            if (l.startsWith("VmRSS") || l.startsWith("VmHWM")) {
                System.out.println(l);
            }
        }
    }
}
