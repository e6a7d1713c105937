package org.mmproto.samples.cram;

import org.mmproto.api.Errno;

/**
 * How CRAM keeps the kernel from using more of the node than the device can back; the series
 * changed its mind, so both are here, selected by {@code model:}.
 */
sealed interface CapacityModel {
    /** The back-pressure answer for {@code pages} arriving by demotion: null = accept, else the errno. */
    Errno admit(CompressedDevice dev, long pages);

    /**
     * v4 (cram_set_pressure): the device's usage through the low/high thresholds (per-mille of the
     * physical backing) gives a pressure 0..1000; at 1000 migration_blocked is set and demotion is
     * refused with -ENOSPC while the buddy may still have free pages.
     */
    record V4Pressure(int low, int high) implements CapacityModel {
        int pressure(CompressedDevice dev) {
            long perMille = dev.usedBytes() * 1000 / dev.physicalBytes();
            if (perMille <= low) {
                return 0;
            }
            if (perMille >= high) {
                return 1000;
            }
            return (int) ((perMille - low) * 1000 / (high - low));
        }

        @Override
        public Errno admit(CompressedDevice dev, long pages) {
            // a folio whose data is not known yet may be incompressible: it must fit as such
            return pressure(dev) >= 1000 || !dev.fitsWorstCase(pages) ? Errno.ENOSPC : null;
        }
    }

    /**
     * v5 (the CRAM branch): the node is perceived at {@code zratio} (per-mille) of the backing
     * (capped at the advertised pages); the effective size is the perceived one scaled by the
     * achieved ratio where it falls short of zratio (perceived x min(1, achieved / zratio)), and a
     * balloon of reserved pages holds the rest of the advertised node, so the usable pages track
     * the backing. A sticky admission gate (cram_allow_allocation) closes when the backing cannot
     * take a worst-case folio and reopens only once a converged balloon has room again;
     * {@code convergeBlock} (balloon convergence, as the spec names the bit) refuses with -EAGAIN while the
     * convergence worker runs, and only the worker's end clears it, converged or not (best effort:
     * a node that can free no more must not refuse every demotion for ever); {@code migrationBlocked}
     * (teardown) is a separate -ENOSPC the worker never lifts.
     */
    final class V5Balloon implements CapacityModel {
        private final int zratio;
        private final long nodePages;
        private boolean gateClosed;
        private boolean convergeBlock;
        private boolean migrationBlocked;

        V5Balloon(int zratio, long nodePages) {
            this.zratio = zratio;
            this.nodePages = nodePages;
        }

        /** The achieved ratio, per-mille (zratio until data is stored, as cram_register assumes). */
        long achievedRatio(CompressedDevice dev) {
            return dev.usedBytes() == 0 ? zratio
                    : Math.max(1000, dev.logicalPages() * ContentModel.PAGE * 1000 / dev.usedBytes());
        }

        /** Pages the kernel may use: perceived x min(1, achieved / zratio). */
        long usablePages(CompressedDevice dev) {
            return perceivedPages(dev) * Math.min(zratio, achievedRatio(dev)) / zratio;
        }

        long perceivedPages(CompressedDevice dev) {
            return Math.min(nodePages, dev.physicalBytes() / ContentModel.PAGE * zratio / 1000);
        }

        long balloonTarget(CompressedDevice dev) {
            return nodePages - usablePages(dev);
        }

        /** The convergence worker is running (true) or has finished (false), converged or not. */
        void converging(boolean running) {
            convergeBlock = running;
        }

        boolean convergeBlock() {
            return convergeBlock;
        }

        boolean gateClosed() {
            return gateClosed;
        }

        void blockMigration(boolean blocked) {
            migrationBlocked = blocked;
        }

        boolean migrationBlocked() {
            return migrationBlocked;
        }

        /** The sticky gate's decision for {@code pages} arriving (cram_allow_allocation). */
        private void gate(CompressedDevice dev, long pages) {
            if (!dev.fitsWorstCase(pages)) {
                gateClosed = true; // sticky: cram_allow_allocation stays false until room comes back
            } else if (gateClosed && !convergeBlock && dev.freeBytes() >= dev.physicalBytes() / 8) {
                gateClosed = false;
            }
        }

        /**
         * The device looks at its backing after a store or a release (the driver's own
         * cram_allow_allocation call, which needs no arrival to be asked about): no page fits
         * incompressible closes the gate, room reopens it.
         */
        void observe(CompressedDevice dev) {
            gate(dev, 1);
        }

        /** The zone is withdrawn from allocation (mmproto's model of how the allocator learns it): any of the three reasons. */
        boolean withdrawn() {
            return gateClosed || convergeBlock || migrationBlocked;
        }

        @Override
        public Errno admit(CompressedDevice dev, long pages) {
            gate(dev, pages);
            if (gateClosed || migrationBlocked) {
                return Errno.ENOSPC;
            }
            return convergeBlock ? Errno.EAGAIN : null;
        }
    }
}
