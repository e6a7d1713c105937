package org.mmproto.core.fault;

/**
 * The named engine points a fault can be injected at, and the failure each forces (what the
 * kernel's fault-injection attributes force at the matching call, or what the engine does when
 * that call really fails).
 */
public enum FailPoint {
    /**
     * prepare_alloc_pages' should_fail_alloc_page: the allocation returns ENOMEM before anything
     * else (no warn_alloc, no mm_page_alloc, nothing counted); __GFP_NOFAIL is never failed.
     */
    PAGE_ALLOC("page_alloc", "the allocation fails with ENOMEM (never for __GFP_NOFAIL)"),
    /** migrate_pages' get_new_folio returns NULL: -ENOMEM stops the call, the folio stays. */
    MIGRATE_TARGET("migrate_target", "the target allocation returns NULL: -ENOMEM, the folio stays"),
    /** folio_mc_copy fails (a poisoned source): the folio stays, -EIO, its target is freed. */
    MIGRATE_COPY("migrate_copy", "the copy fails: the folio stays (-EIO), the target goes back"),
    /** The swap write of a folio fails: nothing is unmapped, no slot is used, the folio is activated. */
    SWAP_WRITE("swap_write", "the write fails: the folio stays mapped and is activated"),
    /** A driver hook call throws, hangs past the budget or returns null (mode=); containment answers. */
    DRIVER_HOOK("driver_hook", "the hook throws / hangs / returns null; the site's default answer applies");

    private final String key;
    private final String effect;

    FailPoint(String key, String effect) {
        this.key = key;
        this.effect = effect;
    }

    /** The name in --fail specs. */
    public String key() {
        return key;
    }

    /** What an injected fault does there. */
    public String effect() {
        return effect;
    }

    public static FailPoint byKey(String key) {
        for (FailPoint p : values()) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        return null;
    }
}
