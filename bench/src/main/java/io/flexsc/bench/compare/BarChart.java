package io.flexsc.bench.compare;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart drawn with Java2D (headless; no dependency): one group of bars per category
 * (scenario) on the x axis, one bar per series (variant) in every group, a legend, an optional
 * horizontal reference line (e.g. 1.0 for ratios). A missing value (NaN) leaves its bar out and
 * prints "n/a" in its place.
 *
 * @param values {@code values[series][category]}
 */
public record BarChart(String title, String yLabel, List<String> categories, List<String> series, double[][] values,
        Double reference) {

    /** The series colours, in order (a colour-blind-safe palette). */
    static final Color[] PALETTE = {
        new Color(0x4C, 0x72, 0xB0), new Color(0xDD, 0x84, 0x52), new Color(0x55, 0xA8, 0x68),
        new Color(0xC4, 0x4E, 0x52), new Color(0x81, 0x72, 0xB3), new Color(0x93, 0x78, 0x60),
        new Color(0xDA, 0x8B, 0xC3), new Color(0x8C, 0x8C, 0x8C),
    };

    public BarChart {
        if (values.length != series.size()) {
            throw new IllegalArgumentException(values.length + " value rows for " + series.size() + " series");
        }
        for (double[] row : values) {
            if (row.length != categories.size()) {
                throw new IllegalArgumentException(row.length + " values for " + categories.size() + " categories");
            }
        }
    }

    /** The width in pixels this chart is drawn at: wide enough for every bar. */
    public int width() {
        return Math.max(640, 140 + categories.size() * Math.max(60, series.size() * 16 + 20));
    }

    /** The height in pixels. */
    public int height() {
        return 520;
    }

    /** Draws the chart. */
    public BufferedImage render() {
        int w = width();
        int h = height();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(base.deriveFont(Font.BOLD, 15f));
            g.setColor(Color.BLACK);
            g.drawString(title, 20, 24);

            int left = 80;
            int right = w - 20;
            int top = 70;
            int bottom = h - 130;
            double max = 0;
            for (double[] row : values) {
                for (double v : row) {
                    if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                        max = Math.max(max, v);
                    }
                }
            }
            if (reference != null) {
                max = Math.max(max, reference);
            }
            double top0 = niceCeiling(max <= 0 ? 1 : max * 1.08);

            // legend
            g.setFont(base);
            FontMetrics fm = g.getFontMetrics();
            int lx = 20;
            for (int s = 0; s < series.size(); s++) {
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(lx, 38, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(series.get(s), lx + 16, 49);
                lx += 16 + fm.stringWidth(series.get(s)) + 18;
            }

            // axes and grid
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            int ticks = 5;
            for (int t = 0; t <= ticks; t++) {
                double v = top0 * t / ticks;
                int y = y(v, top0, top, bottom);
                g.setColor(new Color(0xE4, 0xE4, 0xE4));
                g.drawLine(left, y, right, y);
                g.setColor(Color.DARK_GRAY);
                String label = tick(v);
                g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
            }
            g.setColor(Color.BLACK);
            g.drawLine(left, top, left, bottom);
            g.drawLine(left, bottom, right, bottom);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            g.drawString(yLabel, -(top + bottom) / 2 - fm.stringWidth(yLabel) / 2, 18);
            g.setTransform(saved);

            // bars
            int groups = categories.size();
            double groupW = (double) (right - left) / Math.max(1, groups);
            double barW = Math.max(3, (groupW - 12) / Math.max(1, series.size()));
            Font small = base.deriveFont(9f);
            for (int c = 0; c < groups; c++) {
                double gx = left + c * groupW + 6;
                for (int s = 0; s < series.size(); s++) {
                    double v = values[s][c];
                    int x = (int) Math.round(gx + s * barW);
                    int bw = (int) Math.max(2, Math.round(barW) - 2);
                    if (Double.isNaN(v) || Double.isInfinite(v)) {
                        g.setFont(small);
                        g.setColor(Color.GRAY);
                        drawVertical(g, "n/a", x + bw / 2 + 3, bottom - 4);
                        continue;
                    }
                    int y = y(v, top0, top, bottom);
                    g.setColor(PALETTE[s % PALETTE.length]);
                    g.fillRect(x, y, bw, bottom - y);
                }
                // category label, rotated
                g.setFont(base.deriveFont(11f));
                g.setColor(Color.BLACK);
                drawVertical(g, categories.get(c), (int) Math.round(gx + groupW / 2), bottom + 8, true);
            }
            if (reference != null) {
                int y = y(reference, top0, top, bottom);
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                g.drawLine(left, y, right, y);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Renders to a PNG file. */
    public void write(Path png) throws IOException {
        if (!ImageIO.write(render(), "png", png.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static int y(double v, double max, int top, int bottom) {
        return (int) Math.round(bottom - (bottom - top) * (v / max));
    }

    private static void drawVertical(Graphics2D g, String s, int x, int yBottom) {
        AffineTransform saved = g.getTransform();
        g.translate(x, yBottom);
        g.rotate(-Math.PI / 2);
        g.drawString(s, 0, 0);
        g.setTransform(saved);
    }

    /** Text read downwards from (x, yTop), for category labels under the axis. */
    private static void drawVertical(Graphics2D g, String s, int x, int yTop, boolean downwards) {
        AffineTransform saved = g.getTransform();
        g.translate(x - 4, yTop);
        g.rotate(Math.PI / 2);
        g.drawString(s, 0, 0);
        g.setTransform(saved);
    }

    /** The smallest 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten at or above {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v - 1e-12 * p) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String tick(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
