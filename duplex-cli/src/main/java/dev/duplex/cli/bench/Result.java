package dev.duplex.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** What one scenario measured: named figures in order, latency histograms, a per-second timeline. */
final class Result {
    /** One figure: a value and its unit, for people and for machines. */
    record Figure(String key, String label, double value, String unit) {}

    final String scenario;
    final String url;
    final Map<String, Object> parameters = new LinkedHashMap<>();
    final List<Figure> figures = new ArrayList<>();
    /** Latency histograms in microseconds, by name. */
    final Map<String, Histogram> histograms = new LinkedHashMap<>();
    /** Messages (or bytes, see {@link #timelineUnit}) per second, one value per second of measurement. */
    final List<Double> timeline = new ArrayList<>();
    String timelineUnit = "msg/s";
    final List<String> notes = new ArrayList<>();
    String error;

    Result(String scenario, String url) {
        this.scenario = scenario;
        this.url = url;
    }

    Result param(String key, Object value) {
        parameters.put(key, value);
        return this;
    }

    Result add(String key, String label, double value, String unit) {
        figures.add(new Figure(key, label, value, unit));
        return this;
    }

    double get(String key) {
        for (Figure f : figures) {
            if (f.key().equals(key)) {
                return f.value();
            }
        }
        return Double.NaN;
    }

    /** Adds p50, p99, p99.9 and max of {@code h} (microseconds) as figures in milliseconds. */
    void addLatency(String prefix, String label, Histogram h) {
        histograms.put(prefix, h);
        if (h.getTotalCount() == 0) {
            return;
        }
        add(prefix + "_p50_ms", label + " p50", h.getValueAtPercentile(50) / 1000.0, "ms");
        add(prefix + "_p99_ms", label + " p99", h.getValueAtPercentile(99) / 1000.0, "ms");
        add(prefix + "_p999_ms", label + " p99.9", h.getValueAtPercentile(99.9) / 1000.0, "ms");
        add(prefix + "_max_ms", label + " max", h.getMaxValue() / 1000.0, "ms");
    }
}
