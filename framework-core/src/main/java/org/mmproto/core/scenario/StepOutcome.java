package org.mmproto.core.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step did, before expectations are compared: its result ({@code ok}, an errno name, or a
 * status such as {@code violated}), the raw return value, the one-line summary a report prints,
 * and the op-specific fields ({@code addr}, {@code status}, {@code landed}, ...) in report order.
 */
public final class StepOutcome {
    String result;
    Long value;
    String summary = "";
    final Map<String, Object> fields = new LinkedHashMap<>();
    /** Counters before the step, for {@code vmstat_step}; null when no expectation reads them. */
    Map<String, Long> before;

    private StepOutcome() {
    }

    /** A syscall-like return: {@code ok} or the -errno's name. */
    public static StepOutcome raw(long v) {
        StepOutcome o = new StepOutcome();
        o.value = v;
        o.result = Expectations.resultName(v);
        return o;
    }

    /** A step without a return value (check, show, expect). */
    public static StepOutcome status(String result) {
        StepOutcome o = new StepOutcome();
        o.result = result;
        return o;
    }

    /** The report's one-line description of what the step did. */
    public StepOutcome summary(String text) {
        this.summary = text;
        return this;
    }

    /** An op-specific output field, reported in the order put. */
    public StepOutcome put(String key, Object v) {
        fields.put(key, v);
        return this;
    }

    public Object get(String key) {
        return fields.get(key);
    }

    public boolean has(String key) {
        return fields.containsKey(key);
    }

    /** The raw return value, null for steps that return none. */
    public Long value() {
        return value;
    }

    public String result() {
        return result;
    }
}
