package org.mmproto.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.HookObserver;

/**
 * R4.1 from the judge's side. A broken jar does show the kit failing it: the IgnoresVeto fixture
 * ships a design plugin that takes a page of the node in the allocation call its driver vetoed
 * (BrokenDriversTest). This test feeds the judge directly what the engine's observer reports for
 * such a landing, and for a veto that held, so the verdict's wording (step, pfn) and the pass on a
 * held veto are pinned without a whole kit run.
 */
class VetoCheckTest {
    private static Map<Rule, Result> judged(RunTrace t) {
        Map<Rule, Result> out = new LinkedHashMap<>();
        out.put(Rules.VETO, Result.pass(Rules.VETO, "d", 1));
        RunChecks.veto(out, "d", "seeded-workload on m", 1, t);
        return out;
    }

    private static RunTrace vetoedOnce() {
        RunTrace t = new RunTrace();
        t.step("kernel-alloc");
        t.called(new HookObserver.Call(2, Site.PAGE_HANDOUT, Hook.ALLOC_VETO, null, Verdict.deny(Errno.ENOMEM, "no"), false, 1));
        return t;
    }

    @Test
    void a_page_landing_on_the_node_in_the_call_its_driver_vetoed_fails_R4_1_with_the_step_and_pfn() {
        RunTrace t = vetoedOnce();
        t.landed(2, 0x1234, true);
        Result r = judged(t).get(Rules.VETO);
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.where()).contains("kernel-alloc", "seed 1", "pfn 0x1234", "node 2");
    }

    @Test
    void a_veto_that_held_passes_and_a_run_without_a_denial_skips() {
        RunTrace held = vetoedOnce();
        held.landed(2, 0x1234, false); // a later call, not vetoed
        assertThat(judged(held).get(Rules.VETO).outcome()).isEqualTo(Outcome.PASS);
        RunTrace none = new RunTrace();
        none.step("kernel-alloc");
        assertThat(judged(none).get(Rules.VETO).outcome()).isEqualTo(Outcome.SKIPPED);
    }
}
