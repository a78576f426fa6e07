package io.flexsc.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarChartTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void writesAPngOfTheStatedSizeWithBarsInTheSeriesColours(@TempDir Path dir) throws Exception {
        BarChart c = new BarChart("t", "y", List.of("a", "b", "c"), List.of("s1", "s2"),
                new double[][] {{1, 2, Double.NaN}, {0.5, 3, 1}}, 1.0);
        Path png = dir.resolve("c.png");
        c.write(png);
        assertTrue(Files.size(png) > 1000, "PNG of " + Files.size(png) + " bytes");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(c.width(), img.getWidth());
        assertEquals(c.height(), img.getHeight());
        int first = BarChart.PALETTE[0].getRGB() & 0xFFFFFF;
        int second = BarChart.PALETTE[1].getRGB() & 0xFFFFFF;
        int n1 = 0;
        int n2 = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                int p = img.getRGB(x, y) & 0xFFFFFF;
                n1 += p == first ? 1 : 0;
                n2 += p == second ? 1 : 0;
            }
        }
        // series 2's bars (0.5 + 3 + 1) are taller in total than series 1's (1 + 2)
        assertTrue(n1 > 500, "series 1 pixels: " + n1);
        assertTrue(n2 > n1, "series 2 pixels " + n2 + " vs series 1 " + n1);
    }

    @Test
    void mismatchedValuesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new BarChart("t", "y", List.of("a", "b"), List.of("s1"), new double[][] {{1}}, null));
        assertThrows(IllegalArgumentException.class,
                () -> new BarChart("t", "y", List.of("a"), List.of("s1", "s2"), new double[][] {{1}}, null));
    }

    @Test
    void niceCeilings() {
        assertEquals(1.5, BarChart.niceCeiling(1.08), 1e-12);
        assertEquals(3.0, BarChart.niceCeiling(2.58), 1e-12);
        assertEquals(1.0, BarChart.niceCeiling(1.0), 1e-12);
        assertEquals(250.0, BarChart.niceCeiling(201), 1e-12);
        assertEquals(5000.0, BarChart.niceCeiling(4100), 1e-12);
        assertEquals(10.0, BarChart.niceCeiling(8.5), 1e-12);
    }

    @Test
    void reportWritesTablesAndChartsFromRuns(@TempDir Path dir) throws Exception {
        List<Measurement> runs = new ArrayList<>();
        for (int r = 1; r <= 3; r++) {
            for (String v : List.of("jdk-nio", "flexsc-uring", "netty-epoll")) {
                double rate = v.equals("jdk-nio") ? 100 : v.equals("flexsc-uring") ? 140 : 150;
                runs.add(new Measurement("echo", "c64-64B-pipe16", v, r, true, "", Map.of("msgsPerSec", rate,
                        "serverCpuUsPerMsg", 5.0, "totalCpuUsPerMsg", 9.0, "rssPeakMiB", 100.0), Map.of("stats", "x=1")));
                runs.add(new Measurement("echo", "c1000-64B-rr", v, r, true, "", Map.of("msgsPerSec", rate,
                        "rssPeakMiB", v.equals("flexsc-uring") ? 130.0 : 100.0), Map.of()));
            }
            for (String v : List.of("jdk", "uring")) {
                runs.add(new Measurement("file", "readPos 64B", v, r, true, "", Map.of("opsPerSec", 10.0, "cpuUsPerOp", 2.0),
                        Map.of()));
            }
        }
        String md = Report.write(dir, runs, List.of(Variant.all(false).get(3)), "# header\n");
        assertTrue(md.contains("| c64-64B-pipe16 | flexsc-uring | 140 | 1.40x |"), md);
        assertTrue(md.contains("| c64-64B-pipe16 | 100 | 1.40x | 1.50x |"), "throughput pivot: " + md);
        assertTrue(md.contains("goal >= 1.3x **met**; 0.93x netty-epoll's -> goal >= 0.90x **met**"), md);
        assertTrue(md.contains("c1000-64B-rr: peak RSS 1.30x jdk-nio's (per-round 1.30x) -> goal <= 1.2x **not met**"), md);
        assertTrue(md.contains("`flexsc-kmod`: /dev/flexsc is absent"), md);
        for (String png : List.of("echo-throughput-ratio.png", "echo-peak-rss.png", "file-throughput-ratio.png")) {
            assertTrue(Files.size(dir.resolve(png)) > 1000, png);
            assertTrue(md.contains("](" + png + ")"), png);
        }
        assertNotEquals(0, Files.size(dir.resolve("summary.json")));
        assertTrue(Files.readString(dir.resolve("summary.csv")).contains("msgsPerSec_ratio"));
    }
}
