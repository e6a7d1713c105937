package org.mmproto.api.design;

import org.mmproto.api.driver.Requests.AllocRequest;

/**
 * What a design sees when an allocation meets a private node's zones: the request the driver
 * would see, plus the allocation context only designs know of: the zonelist the call selected
 * and whether a task scope is open (what MEMALLOC_PRIVATE would leave in current->flags).
 */
public record AllocGate(AllocRequest request, ZonelistKind zonelist, boolean taskScope) {
}
