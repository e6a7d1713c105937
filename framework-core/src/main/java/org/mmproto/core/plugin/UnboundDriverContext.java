package org.mmproto.core.plugin;

import org.mmproto.api.driver.DriverContext;

/** The context injected while no run is in progress: using it is an error that says so. */
final class UnboundDriverContext implements DriverContext {
    static final UnboundDriverContext INSTANCE = new UnboundDriverContext();

    private UnboundDriverContext() {
    }

    private static IllegalStateException unbound() {
        return new IllegalStateException(
                "DriverContext used outside a run: the engine hands the context to bind(); a constructor may keep it but not call it");
    }

    @Override
    public long managedPages(int nid) {
        throw unbound();
    }

    @Override
    public long freePages(int nid) {
        throw unbound();
    }

    @Override
    public long usedPages(int nid) {
        throw unbound();
    }

    @Override
    public void releaseKept(long pfn) {
        throw unbound();
    }

    @Override
    public long keptFolios(int nid) {
        throw unbound();
    }

    @Override
    public String toString() {
        return "UnboundDriverContext";
    }
}
