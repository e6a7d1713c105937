package org.mmproto.api.driver;

/**
 * Data reaching the memory of a private node, as the device behind it sees it (CONTRACT R4.16):
 * the engine reports every store to the node's pages whatever the run's design decides, because
 * the hardware sees the store either way. {@code folio} is the folio written, {@code pfn} the
 * first page written and {@code pages} how many; {@code content} what the data is, as far as the
 * engine knows it ({@link Content#UNSPECIFIED}: the device's own content model decides).
 */
public record DeviceStore(FolioRef folio, long pfn, long pages, Kind kind, Content content, TaskRef task) {
    /** How the data got there. */
    public enum Kind {
        /** The allocator or shmem cleared the pages (__GFP_ZERO, clear_highpage). */
        ZEROED,
        /** A user store through a mapping (write fault, or a write to an already writable PTE). */
        CPU_WRITE,
        /** migrate_pages() copied a folio onto the node (demotion, move_pages, compaction, ...). */
        MIGRATION_COPY,
        /** A swapped-out page was read back into a folio of the node. */
        SWAP_IN
    }

    /** What the written data looks like to a compressor. */
    public enum Content {
        ZERO, TEXT, INCOMPRESSIBLE, UNSPECIFIED
    }
}
