package org.mmproto.api.driver;

/** The callbacks of the driver contract, with the kernel names the RFC gives them. */
public enum Hook {
    ALLOC_VETO("alloc_veto"),
    FREE_FOLIO("free_folio"),
    LONGTERM_PIN("longterm_pin"),
    MIGRATION_FILTER("migration_filter"),
    MIGRATE_TO("migrate_to"),
    FOLIO_MIGRATE("folio_migrate"),
    HANDLE_FAULT("handle_fault"),
    FOLIO_SPLIT("folio_split"),
    RECLAIM_POLICY("reclaim_policy"),
    MEMORY_FAILURE("memory_failure"),
    TEARDOWN("teardown"),
    PRESSURE("pressure"),
    /** Not asked by any design: the engine tells the device of every store to its node (R4.16). */
    DEVICE_STORE("device_store"),
    /** Not asked by any design: the engine tells the device of every CPU load from its node (R4.17). */
    DEVICE_LOAD("device_load"),
    /** mmap of the device file: the driver gives the VMA its policy, or refuses (R7.1). */
    DEVICE_MMAP("device_mmap"),
    /** A write to one of the device's control attributes (hotplug, capability toggles; R7.3). */
    DEVICE_CONTROL("device_control"),
    /** Not asked by any design: the driver's delayed work is due on the engine's clock (R1.10). */
    DELAYED_WORK("delayed_work");

    private final String kernelName;

    Hook(String kernelName) {
        this.kernelName = kernelName;
    }

    public String kernelName() {
        return kernelName;
    }
}
