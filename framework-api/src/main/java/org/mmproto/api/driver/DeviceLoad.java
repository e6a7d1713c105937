package org.mmproto.api.driver;

/**
 * CPU loads from the memory of a private node, as the device behind it sees them (CONTRACT
 * R4.17): the engine reports every read through a mapping of the node's pages whatever the run's
 * design decides, because the hardware serves the load either way. {@code folio} is the folio
 * read, {@code pfn} the first page read and {@code pages} how many (consecutive reads of one
 * touch to one folio may come as one load); {@code task} the task that read.
 */
public record DeviceLoad(FolioRef folio, long pfn, long pages, TaskRef task) {
}
