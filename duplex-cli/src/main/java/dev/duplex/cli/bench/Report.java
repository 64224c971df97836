package dev.duplex.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Results for people (a table), for machines (JSON) and for browsers (self-contained HTML + SVG). */
final class Report {
    private Report() {}

    // ------------------------------------------------------------------------------ table

    static String table(List<Result> results) {
        StringBuilder b = new StringBuilder();
        for (Result r : results) {
            b.append(r.scenario).append("  ").append(r.url);
            if (!r.parameters.isEmpty()) {
                b.append("  (");
                boolean first = true;
                for (Map.Entry<String, Object> e : r.parameters.entrySet()) {
                    b.append(first ? "" : ", ").append(e.getKey().replace('_', ' ')).append(' ').append(e.getValue());
                    first = false;
                }
                b.append(')');
            }
            b.append('\n');
            if (r.error != null) {
                b.append("  FAILED: ").append(r.error).append('\n');
            }
            int w = 0;
            for (Result.Figure f : r.figures) {
                w = Math.max(w, f.label().length());
            }
            for (Result.Figure f : r.figures) {
                b.append("  ").append(f.label()).append(" ".repeat(w - f.label().length())).append("  ")
                        .append(String.format(Locale.ROOT, "%14s", number(f.value()))).append(' ').append(f.unit()).append('\n');
            }
            for (String n : r.notes) {
                b.append("  note: ").append(n).append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    // ------------------------------------------------------------------------------ JSON

    static String json(List<Result> results, Map<String, Object> about) {
        StringBuilder b = new StringBuilder("{\"tool\":\"duplex bench\"");
        for (Map.Entry<String, Object> e : about.entrySet()) {
            b.append(',').append(str(e.getKey())).append(':').append(value(e.getValue()));
        }
        b.append(",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            b.append(i == 0 ? "" : ",").append("\n{\"scenario\":").append(str(r.scenario)).append(",\"url\":").append(str(r.url));
            b.append(",\"parameters\":{");
            int j = 0;
            for (Map.Entry<String, Object> e : r.parameters.entrySet()) {
                b.append(j++ == 0 ? "" : ",").append(str(e.getKey())).append(':').append(value(e.getValue()));
            }
            b.append("},\"figures\":{");
            j = 0;
            for (Result.Figure f : r.figures) {
                b.append(j++ == 0 ? "" : ",").append(str(f.key())).append(':').append(value(f.value()));
            }
            b.append("},\"units\":{");
            j = 0;
            for (Result.Figure f : r.figures) {
                b.append(j++ == 0 ? "" : ",").append(str(f.key())).append(':').append(str(f.unit()));
            }
            b.append("},\"timeline\":").append(value(r.timeline)).append(",\"timeline_unit\":").append(str(r.timelineUnit));
            b.append(",\"notes\":").append(value(r.notes));
            b.append(",\"error\":").append(r.error == null ? "null" : str(r.error)).append('}');
        }
        return b.append("]}\n").toString();
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return "null";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return String.format(Locale.ROOT, "%.6g", d);
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ",").append(value(l.get(i)));
            }
            return b.append(']').toString();
        }
        return str(v.toString());
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    // ------------------------------------------------------------------------------ HTML

    static String html(List<Result> results, Map<String, Object> about) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>duplex bench</title>\n<style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1000px}")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}h2{margin-top:2em}.err{color:#b00}")
                .append("svg{background:#fafafa;border:1px solid #ddd;margin:4px 8px 4px 0}.note{color:#555}")
                .append("</style></head><body>\n<h1>duplex bench</h1>\n<table>");
        for (Map.Entry<String, Object> e : about.entrySet()) {
            b.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(String.valueOf(e.getValue()))).append("</td></tr>");
        }
        b.append("</table>\n");
        for (Result r : results) {
            b.append("<h2>").append(esc(r.scenario)).append("</h2>\n<p>").append(esc(r.url));
            for (Map.Entry<String, Object> e : r.parameters.entrySet()) {
                b.append(" &middot; ").append(esc(e.getKey().replace('_', ' '))).append(' ').append(esc(String.valueOf(e.getValue())));
            }
            b.append("</p>\n");
            if (r.error != null) {
                b.append("<p class=\"err\">FAILED: ").append(esc(r.error)).append("</p>\n");
            }
            b.append("<table>");
            for (Result.Figure f : r.figures) {
                b.append("<tr><td>").append(esc(f.label())).append("</td><td class=\"n\">").append(esc(number(f.value())))
                        .append("</td><td>").append(esc(f.unit())).append("</td></tr>");
            }
            b.append("</table>\n");
            for (Map.Entry<String, Histogram> h : r.histograms.entrySet()) {
                if (h.getValue().getTotalCount() > 0) {
                    b.append(percentilePlot(r.scenario + ": " + h.getKey().replace('_', ' ') + " latency (ms) by percentile",
                            h.getValue()));
                }
            }
            if (r.timeline.size() > 1) {
                b.append(timelinePlot(r.scenario + ": " + r.timelineUnit + " each second", r.timeline));
            }
            for (String n : r.notes) {
                b.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
            }
        }
        return b.append("</body></html>\n").toString();
    }

    private static final int W = 600;
    private static final int H = 300;
    private static final int L = 60;
    private static final int R = 20;
    private static final int T = 30;
    private static final int B = 40;

    /** Latency against percentile on the usual "nines" axis: x = log10(1 / (1 - p)). */
    static String percentilePlot(String title, Histogram h) {
        double maxNines = 5; // 99.999 %
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i <= 200; i++) {
            double x = maxNines * i / 200.0;
            double pct = 100 * (1 - Math.pow(10, -x));
            pts.add(new double[] {x, h.getValueAtPercentile(pct) / 1000.0});
        }
        pts.add(new double[] {maxNines, h.getMaxValue() / 1000.0});
        double ymax = niceCeil(h.getMaxValue() / 1000.0);
        StringBuilder b = svgStart(title);
        // axes
        String[] xl = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            double px = L + (W - L - R) * i / maxNines;
            b.append(line(px, T, px, H - B, "#e4e4e4")).append(text(px, H - B + 16, xl[i], "middle"));
        }
        yAxis(b, ymax, "ms");
        b.append("<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"");
        for (double[] p : pts) {
            b.append(fmt(L + (W - L - R) * p[0] / maxNines)).append(',').append(fmt(H - B - (H - T - B) * Math.min(p[1], ymax) / ymax)).append(' ');
        }
        b.append("\"/>");
        b.append(text(L + (W - L - R) / 2.0, H - 6, "percentile", "middle"));
        return b.append("</svg>\n").toString();
    }

    static String timelinePlot(String title, List<Double> values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double ymax = niceCeil(max);
        StringBuilder b = svgStart(title);
        int n = values.size();
        for (int i = 0; i < n; i++) {
            double px = L + (W - L - R) * (i + 0.5) / n;
            if (n <= 20 || i % Math.max(1, n / 10) == 0) {
                b.append(text(px, H - B + 16, Integer.toString(i + 1), "middle"));
            }
        }
        yAxis(b, ymax, "");
        double bw = (W - L - R) / (double) n * 0.8;
        for (int i = 0; i < n; i++) {
            double px = L + (W - L - R) * (i + 0.5) / n;
            double hh = (H - T - B) * values.get(i) / ymax;
            b.append("<rect x=\"").append(fmt(px - bw / 2)).append("\" y=\"").append(fmt(H - B - hh)).append("\" width=\"")
                    .append(fmt(bw)).append("\" height=\"").append(fmt(hh)).append("\" fill=\"#2da44e\"/>");
        }
        b.append(text(L + (W - L - R) / 2.0, H - 6, "second", "middle"));
        return b.append("</svg>\n").toString();
    }

    private static StringBuilder svgStart(String title) {
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" font-size=\"11\">");
        b.append(text(W / 2.0, 18, title, "middle"));
        b.append(line(L, H - B, W - R, H - B, "#888")).append(line(L, T, L, H - B, "#888"));
        return b;
    }

    private static void yAxis(StringBuilder b, double ymax, String unit) {
        for (int i = 0; i <= 4; i++) {
            double v = ymax * i / 4;
            double py = H - B - (H - T - B) * i / 4.0;
            b.append(line(L, py, W - R, py, "#eee")).append(text(L - 6, py + 4, number(v) + (unit.isEmpty() ? "" : " " + unit), "end"));
        }
    }

    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
                + "\" stroke=\"" + color + "\"/>";
    }

    private static String text(double x, double y, String s, String anchor) {
        return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\">" + esc(s) + "</text>";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
