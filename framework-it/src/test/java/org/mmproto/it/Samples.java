package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.core.cli.Main;

/** The reactor-built sample jar, and small helpers shared by the tests. */
final class Samples {
    static final String CXL_ID = "cxl-mempolicy";
    static final String CXL_CLASS = "org.mmproto.samples.cxl.CxlMempolicyDriver";

    private Samples() {
    }

    static String version() {
        return System.getProperty("mmproto.it.version", "0.1.0-SNAPSHOT");
    }

    /** sample-drivers/cxl-mempolicy/target/cxl-mempolicy-VERSION.jar, as packaged earlier in the reactor. */
    static Path cxlJar() {
        Path jar = Path.of(System.getProperty("mmproto.it.cxlJar",
                "../sample-drivers/cxl-mempolicy/target/cxl-mempolicy-" + version() + ".jar"));
        assertThat(jar).as("the reactor packages cxl-mempolicy before framework-it (mvn verify from the root)").isRegularFile();
        return jar;
    }

    /** sample-drivers/opt-in-probe/target/opt-in-probe-VERSION.jar, as packaged earlier in the reactor. */
    static Path probeJar() {
        Path jar = Path.of(System.getProperty("mmproto.it.probeJar",
                "../sample-drivers/opt-in-probe/target/opt-in-probe-" + version() + ".jar"));
        assertThat(jar).as("the reactor packages opt-in-probe before framework-it (mvn verify from the root)").isRegularFile();
        return jar;
    }

    /** The jar of sample driver module {@code name} as the reactor packaged it. */
    static Path sampleJar(String name) {
        String key = switch (name) {
            case "virtio-queue" -> "mmproto.it.virtioJar";
            case "anondax" -> "mmproto.it.anondaxJar";
            default -> "mmproto.it.accelJar";
        };
        Path jar = Path.of(System.getProperty(key, "../sample-drivers/" + name + "/target/" + name + "-"
                + System.getProperty("mmproto.it.version", "0.1.0-SNAPSHOT") + ".jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("sample jar not built: " + jar + " (run mvn package first)");
        }
        return jar;
    }

    /** sample-drivers/compressed-ram/target/compressed-ram-VERSION.jar, as packaged earlier in the reactor. */
    static Path cramJar() {
        Path jar = Path.of(System.getProperty("mmproto.it.cramJar",
                "../sample-drivers/compressed-ram/target/compressed-ram-" + version() + ".jar"));
        assertThat(jar).as("the reactor packages compressed-ram before framework-it (mvn verify from the root)").isRegularFile();
        return jar;
    }

    /** Copies of every sample driver jar in {@code dir}: the bundled scenarios bind them. */
    static void copySampleJars(Path dir) {
        copyCxlJar(dir);
        try {
            Files.copy(probeJar(), dir.resolve(probeJar().getFileName()));
            for (String name : new String[] {"virtio-queue", "accelerator", "anondax"}) {
                Path jar = sampleJar(name);
                Files.copy(jar, dir.resolve(jar.getFileName()));
            }
            Files.copy(cramJar(), dir.resolve(cramJar().getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the sample jar in {@code dir} (tests load their own directory, not the shared plugins/). */
    static Path copyCxlJar(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.copy(cxlJar(), dir.resolve(cxlJar().getFileName()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A DriverContext that answers fixed numbers and records releaseKept calls. */
    static final class RecordingContext implements DriverContext {
        final long managed;
        final ConcurrentLinkedQueue<Long> released = new ConcurrentLinkedQueue<>();
        final AtomicLong calls = new AtomicLong();

        RecordingContext(long managed) {
            this.managed = managed;
        }

        @Override
        public int nid() {
            return 2;
        }

        @Override
        public ZoneType zone() {
            return ZoneType.MOVABLE;
        }

        @Override
        public long managedPages() {
            calls.incrementAndGet();
            return managed;
        }

        @Override
        public long freePages() {
            return 0;
        }

        @Override
        public long usedPages() {
            return 0;
        }

        @Override
        public long allocOwn(int order) {
            return -12;
        }

        @Override
        public void freeOwn(long pfn) {
        }

        @Override
        public long ownedPages() {
            return 0;
        }

        @Override
        public void releaseKept(long pfn) {
            released.add(pfn);
        }

        @Override
        public long keptFolios() {
            return 0;
        }

        @Override
        public void reportPressure(int pressure) {
        }

        @Override
        public void reportCapacity(long physicalPages) {
        }

        @Override
        public void requestPromotion(long pfn) {
        }
    }

    record Run(int status, String out, String err) {
    }

    /** Main.execute with stdout and stderr captured. */
    static Run mmproto(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
