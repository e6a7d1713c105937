package org.mmproto.conformance;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * CONTRACT R3.8 on the bytecode: every class a plugin's class files name (in their constant
 * pools: class entries and the descriptors of fields, methods and signatures) is the plugin's
 * own, the JDK's, or one of the packages the host exports to plugins. A reference the class
 * loader would only resolve when the code runs is found as well as one it resolves at load.
 */
final class ApiPurity {
    private static final List<String> ALLOWED = List.of("java/", "javax/", "jdk/", "sun/", "com/sun/", "org/w3c/",
            "org/xml/", "org/ietf/", "org/mmproto/api/", "org/pf4j/", "jakarta/inject/", "org/slf4j/");
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+);");

    private ApiPurity() {
    }

    /** Per class file of {@code classes} (a jar or a directory), the host classes it references; empty when pure. */
    static Map<String, Set<String>> violations(Path classes) {
        Map<String, byte[]> files = read(classes);
        Set<String> own = new HashSet<>();
        files.keySet().forEach(n -> own.add(n.substring(0, n.length() - ".class".length())));
        Map<String, Set<String>> out = new LinkedHashMap<>();
        files.forEach((name, bytes) -> {
            Set<String> bad = new TreeSet<>();
            for (String ref : references(bytes)) {
                String base = ref.replaceAll("^\\[+", "");
                if (base.length() == 1) {
                    continue; // an array of a primitive type
                }
                if (ref.startsWith("[") && base.startsWith("L") && base.endsWith(";")) {
                    base = base.substring(1, base.length() - 1);
                }
                if (!own.contains(base) && ALLOWED.stream().noneMatch(base::startsWith)) {
                    bad.add(base.replace('/', '.'));
                }
            }
            if (!bad.isEmpty()) {
                out.put(name, bad);
            }
        });
        return out;
    }

    private static Map<String, byte[]> read(Path classes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try {
            if (Files.isDirectory(classes)) {
                try (Stream<Path> s = Files.walk(classes)) {
                    for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                        out.put(classes.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                    }
                }
            } else {
                try (ZipFile z = new ZipFile(classes.toFile())) {
                    for (var e : z.stream().filter(e -> e.getName().endsWith(".class")
                            && !e.getName().startsWith("META-INF/")).toList()) {
                        try (var in = z.getInputStream(e)) {
                            out.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the class files of " + classes, e);
        }
        return out;
    }

    /** The internal names a class file's constant pool mentions. */
    static List<String> references(byte[] classFile) {
        List<String> refs = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                return refs;
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classIndexes = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classIndexes.add(in.readUnsignedShort());
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    case 5, 6 -> {
                        in.readLong();
                        i++;
                    }
                    default -> throw new IOException("constant pool tag " + tag);
                }
            }
            for (int idx : classIndexes) {
                if (utf8[idx] != null) {
                    refs.add(utf8[idx]);
                }
            }
            for (String s : utf8) {
                if (s != null && s.indexOf(';') > 0) {
                    Matcher m = DESCRIPTOR_CLASS.matcher(s);
                    while (m.find()) {
                        refs.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not a class file", e);
        }
        return refs;
    }
}
