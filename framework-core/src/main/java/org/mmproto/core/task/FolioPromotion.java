package org.mmproto.core.task;

/**
 * The write-fault path's port to migration: a driver's handle_fault that answers PROMOTE has the
 * folio moved to the faulting task's node before the write proceeds. Owned by task, implemented
 * in migrate/, so the fault path does not import the migration engine.
 */
@FunctionalInterface
public interface FolioPromotion {
    /** Moves the folio at {@code head} to {@code nid}; true when it moved. */
    boolean promote(long head, int nid);
}
