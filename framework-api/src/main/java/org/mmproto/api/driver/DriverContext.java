package org.mmproto.api.driver;

/**
 * The engine services a driver may use, handed to it at bind time. Read-only views plus the one
 * action a driver owns: giving back folios it kept in free_folio.
 */
public interface DriverContext {
    long managedPages(int nid);

    long freePages(int nid);

    /** Pages of the node in allocated folios. */
    long usedPages(int nid);

    /** Returns a folio the driver kept (free_folio answered KEEP) to the buddy allocator. */
    void releaseKept(long pfn);

    /** Folios of the node the driver currently keeps. */
    long keptFolios(int nid);
}
