package org.mmproto.api.design;

/**
 * The zonelist an allocation walks (v5's selector in {@code alloc_context}): the ordinary
 * FALLBACK / NOFALLBACK lists, or ZONELIST_PRIVATE / ZONELIST_PRIVATE_NOFALLBACK, the only lists
 * that hold private nodes under the zonelist-private design. Chosen once per call; nested
 * allocations start from DEFAULT.
 */
public enum ZonelistKind { DEFAULT, PRIVATE }
