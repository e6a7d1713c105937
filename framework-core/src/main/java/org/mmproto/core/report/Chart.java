package org.mmproto.core.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One chart of the report as data (the HTML draws it with uPlot; the JSON carries it as is).
 *
 * @param kind   {@code line} (x = the run's samples: after boot, then after each step) or
 *               {@code bar} (x = categories, e.g. sites)
 * @param group  what it shows: {@code node_usage}, {@code hook_calls}, {@code tiering},
 *               {@code driver} (a series a driver reported)
 * @param x      the x labels: {@code boot} and {@code L<line>} per sample, or the categories
 * @param series one per design (tiering: per design and counter); null values are gaps
 */
public record Chart(String title, String kind, String group, String yLabel, List<String> x, List<Series> series) {
    public Chart {
        x = List.copyOf(x);
        series = List.copyOf(series);
    }

    /** One line or bar set: its label and one value per x (null: not reported yet). */
    public record Series(String label, List<Long> values) {
        public Series {
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }
    }
}
