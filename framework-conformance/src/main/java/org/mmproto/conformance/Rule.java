package org.mmproto.conformance;

/**
 * One rule of the driver contract as the kit checks it: its id in framework-api/CONTRACT.md,
 * what a driver must or may do, the hooks and designs it concerns, and whether every driver must
 * pass it or only one that declared an opt-in.
 *
 * @param id the contract's rule id ({@code R4.2})
 * @param title what the rule demands, in one line
 * @param concerns the hooks or sites and the designs where it is checked
 * @param condition null for a required rule; else the declaration that makes it apply
 * @param perDesign whether it is checked once per design (else once per jar)
 */
public record Rule(String id, String title, String concerns, String condition, boolean perDesign) {
    public boolean required() {
        return condition == null;
    }
}
