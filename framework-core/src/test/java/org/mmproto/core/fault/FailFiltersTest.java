package org.mmproto.core.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.core.trace.Tracer;

/** --fail's space= budget and the task filters pid= and task=, as should_fail_ex() applies them. */
class FailFiltersTest {
    /** Every page_alloc call may fail but for the attribute under test. */
    private static final String ALL = "page_alloc:probability=100,times=-1,min_order=0,ignore_gfp_wait=N,";

    private static final class Acting implements Tracer.Context {
        String comm = "a";
        int pid = 100;

        @Override
        public String comm() {
            return comm;
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public int cpu() {
            return 0;
        }
    }

    @Test
    void space_is_used_up_by_one_page_per_order_0_call_before_any_call_fails() {
        FaultInjector f = FaultInjector.parse(List.of(ALL + "space=3"), 1);
        // 3 > 1: passes, 2 left; 2 > 1: passes, 1 left; 1 is not above 1: this call may fail
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).isFalse();
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).isFalse();
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).isTrue();
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).isTrue();
        assertThat(f.injectedCount()).isEqualTo(2);
    }

    @Test
    void a_call_counts_its_pages_against_space() {
        FaultInjector f = FaultInjector.parse(List.of(ALL + "space=8"), 1);
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 2, 0, 0)).as("8 > 4: 4 left").isFalse();
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 2, 0, 0)).as("4 is not above 4").isTrue();
        FaultInjector g = FaultInjector.parse(List.of(ALL + "space=8"), 1);
        assertThat(g.fail(FailPoint.PAGE_ALLOC, 3, 0, 0)).as("8 is not above 8: no budget used").isTrue();
    }

    @Test
    void the_pid_filter_fails_only_that_tasks_calls() {
        FaultInjector f = FaultInjector.parse(List.of(ALL + "pid=101"), 1);
        Acting a = new Acting();
        f.attach(a);
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).as("pid 100").isFalse();
        a.pid = 101;
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).isTrue();
        assertThat(f.injected().get(0).pid()).isEqualTo(101);
    }

    @Test
    void the_task_filter_fails_only_calls_of_that_comm() {
        FaultInjector f = FaultInjector.parse(List.of("migrate_target:probability=100,times=-1,task=b"), 1);
        Acting a = new Acting();
        f.attach(a);
        assertThat(f.fail(FailPoint.MIGRATE_TARGET, 0, 0, 1)).as("comm a").isFalse();
        a.comm = "b";
        a.pid = 105;
        assertThat(f.fail(FailPoint.MIGRATE_TARGET, 0, 0, 1)).isTrue();
        assertThat(f.injected()).extracting(FaultInjector.Injected::pid).containsExactly(105);
    }

    @Test
    void a_filtered_out_call_uses_up_neither_space_nor_interval() {
        FaultInjector f = FaultInjector.parse(List.of(ALL + "space=2,interval=2,pid=7"), 1);
        Acting a = new Acting();
        f.attach(a);
        for (int i = 0; i < 5; i++) {
            assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).isFalse();
        }
        a.pid = 7;
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).as("2 > 1: space").isFalse();
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).as("interval: 1st").isFalse();
        assertThat(f.fail(FailPoint.PAGE_ALLOC, 0, 0, 0)).as("interval: 2nd").isTrue();
    }

    @Test
    void page_alloc_filters_belong_to_page_alloc() {
        assertThatThrownBy(() -> FailAttr.parse("swap_write:min_order=1")).hasMessageContaining("page_alloc only");
        assertThatThrownBy(() -> FailAttr.parse("page_alloc:ignore_gfp_wait=maybe")).hasMessageContaining("Y or N");
    }
}
