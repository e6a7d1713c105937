package org.example.notefrees;

import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The mmproto conformance kit on NoteFrees: every contract rule under every design, one test each. */
class NoteFreesConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return NoteFrees.class;
    }

    @Override
    protected String pluginId() {
        return "note-frees";
    }
}
