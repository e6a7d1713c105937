package org.mmproto.core.plugin;

import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;

/** The context injected while no driver is being created for a node: using it is an error that says so. */
final class UnboundDriverContext implements DriverContext {
    static final UnboundDriverContext INSTANCE = new UnboundDriverContext();

    private UnboundDriverContext() {
    }

    private static IllegalStateException unbound() {
        return new IllegalStateException("DriverContext used outside a run: the engine hands a node's context to bind() "
                + "(and to a constructor while it creates the driver for that node)");
    }

    @Override
    public int nid() {
        throw unbound();
    }

    @Override
    public ZoneType zone() {
        throw unbound();
    }

    @Override
    public long managedPages() {
        throw unbound();
    }

    @Override
    public long freePages() {
        throw unbound();
    }

    @Override
    public long usedPages() {
        throw unbound();
    }

    @Override
    public long allocOwn(int order) {
        throw unbound();
    }

    @Override
    public void freeOwn(long pfn) {
        throw unbound();
    }

    @Override
    public long ownedPages() {
        throw unbound();
    }

    @Override
    public void releaseKept(long pfn) {
        throw unbound();
    }

    @Override
    public long keptFolios() {
        throw unbound();
    }

    @Override
    public void reportPressure(int pressure) {
        throw unbound();
    }

    @Override
    public void reportCapacity(long physicalPages) {
        throw unbound();
    }

    @Override
    public void requestPromotion(long pfn) {
        throw unbound();
    }

    @Override
    public void reportStat(String name, long value) {
        throw unbound();
    }

    @Override
    public String toString() {
        return "UnboundDriverContext";
    }
}
