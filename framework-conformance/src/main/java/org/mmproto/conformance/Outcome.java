package org.mmproto.conformance;

/** What checking one rule under one design gave. */
public enum Outcome {
    PASS, FAIL, SKIPPED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
