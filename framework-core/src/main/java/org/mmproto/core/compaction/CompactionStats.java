package org.mmproto.core.compaction;

/** What one compaction run did (the scanners' pages, isolated pages, folios moved or not). */
public final class CompactionStats {
    long migrateScanned;
    long freeScanned;
    long isolated;
    long migrated;
    long failed;
    long targetsRefused;

    public long migrateScanned() {
        return migrateScanned;
    }

    public long freeScanned() {
        return freeScanned;
    }

    public long isolated() {
        return isolated;
    }

    /** Folios migrate_pages() moved. */
    public long migrated() {
        return migrated;
    }

    /** Isolated folios that stayed (pinned after isolation, extra references, no target). */
    public long failed() {
        return failed;
    }

    /** Free-scanner passes the node's design refused (no targets taken: nothing arrives). */
    public long targetsRefused() {
        return targetsRefused;
    }

    void add(CompactionStats o) {
        targetsRefused += o.targetsRefused;
        migrateScanned += o.migrateScanned;
        freeScanned += o.freeScanned;
        isolated += o.isolated;
        migrated += o.migrated;
        failed += o.failed;
    }
}
