package org.mmproto.core.plugin;

import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;

/**
 * The context of a dry bind ({@code mmproto plugins}): a node of the probe's size with nothing
 * allocated and no engine behind it; allocOwn fails with ENOMEM, reports are dropped.
 */
final class DryBindContext implements DriverContext {
    private final int nid;
    private final ZoneType zone;
    private final long pages;

    DryBindContext(int nid, ZoneType zone, long pages) {
        this.nid = nid;
        this.zone = zone;
        this.pages = pages;
    }

    @Override
    public int nid() {
        return nid;
    }

    @Override
    public ZoneType zone() {
        return zone;
    }

    @Override
    public long managedPages() {
        return pages;
    }

    @Override
    public long freePages() {
        return pages;
    }

    @Override
    public long usedPages() {
        return 0;
    }

    @Override
    public long allocOwn(int order) {
        return -Errno.ENOMEM.code();
    }

    @Override
    public void freeOwn(long pfn) {
        throw new IllegalArgumentException("a dry bind allocates nothing");
    }

    @Override
    public long ownedPages() {
        return 0;
    }

    @Override
    public void releaseKept(long pfn) {
        throw new IllegalArgumentException("a dry bind keeps nothing");
    }

    @Override
    public long keptFolios() {
        return 0;
    }

    @Override
    public void reportPressure(int pressure) {
    }

    @Override
    public void reportCapacity(long physicalPages) {
    }

    @Override
    public void requestPromotion(long pfn) {
    }
}
