package io.smtpprobe.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** WCAG 2 contrast ratio of two sRGB colours (relative luminance, 1.4.3): AA asks 4.5:1 for text. */
public final class Contrast {
    private static final Pattern RGB = Pattern.compile("rgba?\\((\\d+),\\s*(\\d+),\\s*(\\d+)(?:,\\s*([0-9.]+))?\\)");
    private static final Pattern HEX = Pattern.compile("#([0-9a-fA-F]{6})");

    private Contrast() {
    }

    /** @param foreground and background as CSS writes them: {@code #0a5c26} or {@code rgb(10, 92, 38)} */
    public static double ratio(String foreground, String background) {
        double a = luminance(rgb(foreground));
        double b = luminance(rgb(background));
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }

    static int[] rgb(String css) {
        Matcher hex = HEX.matcher(css.strip());
        if (hex.matches()) {
            int v = Integer.parseInt(hex.group(1), 16);
            return new int[] {v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff};
        }
        Matcher rgb = RGB.matcher(css.strip());
        if (rgb.matches()) {
            return new int[] {Integer.parseInt(rgb.group(1)), Integer.parseInt(rgb.group(2)), Integer.parseInt(rgb.group(3))};
        }
        throw new IllegalArgumentException("not a colour: " + css);
    }

    private static double luminance(int[] rgb) {
        return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    }

    private static double channel(int value) {
        double c = value / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}
