package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.machine.MachineYamlParser;
import org.mmproto.core.testkit.CliCapture;
import org.mmproto.core.testkit.TestMachines;

/** A machine too large for the heap is refused before boot, with what it needs and how to get it. */
class MemmapBudgetTest {
    /** 16 nodes of 4 TiB: 64 TiB needs ~144 GiB of memmap, more than any CI heap. */
    private static String hugeMachine() {
        StringBuilder sb = new StringBuilder("name: huge\nnodes:\n");
        for (int i = 0; i < 16; i++) {
            sb.append("  - size: 4TiB\n").append(i == 0 ? "    cpus: 0\n" : "");
        }
        return sb.toString();
    }

    @Test
    void the_estimate_is_what_boot_then_measures() {
        var spec = TestMachines.dramDramCxl(1L << 30, 1L << 30, false);
        PhysicalMemory mem = PhysicalMemory.boot(spec);
        // bytesPerPage also counts the fixed per-zone free-list heads; the estimate is per page
        assertThat((double) MemmapBudget.memmapBytes(spec)).isCloseTo(mem.memmapBytes(),
                org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void boot_refuses_a_machine_larger_than_the_heap_naming_it_the_need_and_the_option() {
        var spec = MachineYamlParser.parse(hugeMachine(), "huge.yaml");
        var e = catchThrowableOfType(MemmapBudget.MachineTooLargeException.class, () -> PhysicalMemory.boot(spec));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("machine 'huge' (huge.yaml)", "64.0 TiB of memory", "144.",
                "GiB of Java heap", "MMPROTO_JAVA_OPTS=-Xmx");
    }

    @Test
    void topo_of_such_a_machine_exits_2_with_the_message_and_no_stack_trace(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.yaml");
        Files.writeString(f, hugeMachine());
        CliCapture.Run r = CliCapture.run("topo", f.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("machine 'huge'", "MMPROTO_JAVA_OPTS=-Xmx").doesNotContain("\tat ", "Exception");
    }

    /** A small heap is not all headroom: -Xmx256m holds the 48 GiB default machine's 108 MiB memmap. */
    @Test
    void a_256_MiB_heap_leaves_room_for_a_108_MiB_memmap() {
        long heap = 256L << 20;
        long need = MemmapBudget.memmapBytes(org.mmproto.core.machine.MachineFiles.bundled("default"));
        assertThat(need).isBetween(100L << 20, 120L << 20);
        assertThat(MemmapBudget.available(heap, 20L << 20)).isGreaterThan(need);
        assertThat(MemmapBudget.available(heap, 200L << 20)).isLessThan(need);
        assertThat(MemmapBudget.headroom(8L << 30)).isEqualTo(256L << 20);
    }

    @Test
    void the_refusal_says_what_the_memmap_needs_what_the_heap_has_and_a_heap_that_fits() {
        var spec = org.mmproto.core.machine.MachineFiles.bundled("default");
        String m = MemmapBudget.refusal(spec, MemmapBudget.memmapBytes(spec), 128L << 20, 30L << 20).getMessage();
        assertThat(m).contains("48.0 GiB of memory", "108 MiB of Java heap for its memmap", "plus 32 MiB for the run",
                "max heap is 128 MiB with 30 MiB in use", "MMPROTO_JAVA_OPTS=-Xmx448m");
    }
}
