package org.mmproto.core.machine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mmproto.api.NodeMask;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.InputLimits;

/**
 * Reads the output of {@code numactl --hardware} into a {@link MachineSpec}.
 *
 * <pre>
 * available: 2 nodes (0-1)
 * node 0 cpus: 0 1 2 3
 * node 0 size: 15954 MB
 * node 0 free: 12010 MB
 * node 1 cpus:
 * node 1 size: 16125 MB
 * node 1 free: 15870 MB
 * node distances:
 * node   0   1
 *   0:  10  20
 *   1:  20  10
 * </pre>
 *
 * <ul>
 *   <li>Distance tables are read by whitespace-separated columns, so both the numactl &le; 2.0.18
 *       layout (width 3) and the &ge; 2.0.19 layout (width 4) parse, as do wider node ids.
 *       {@code No distance information available.} gives 10 local / 20 remote. The header must
 *       list the nodes in order; each row must start with its node id.</li>
 *   <li>CPU lists are {@code  0 1 2 3}, possibly empty (CPU-less node), or the compressed form of
 *       {@code --cpu-compress} ({@code  0-3, 8-11 (8)}, whose count is checked).</li>
 *   <li>{@code size: N MB} is N &lt;&lt; 20 bytes; {@code <not available>} is a memoryless node.
 *       {@code free:} lines are ignored.</li>
 *   <li>Node ids may be sparse, as on real machines ({@code available: 2 nodes (0,2)}): an id
 *       that is not listed is a node that is not online. The machine gets it as a node with
 *       neither memory nor cpus, which the engine treats as offline (left out of numactl's
 *       output, the zonelists and node states); its distances are 10 to itself and 20 (the
 *       kernel's REMOTE_DISTANCE) to and from the others. Blank lines and lines starting with
 *       {@code #} are ignored.</li>
 *   <li>Validation is as for YAML machines: each listed node has memory or cpus, some node has a
 *       cpu, local distance 10, remote 11..255, a cpu on one node and once. Asymmetric tables and
 *       memoryless nodes are accepted.</li>
 * </ul>
 *
 * <p>The result is named {@code numactl}, nodes are not private, all memory is onlined normal,
 * nodes are placed one after another from address 0, and the vm tunables are the defaults.
 */
public final class NumactlHardwareParser {
    public static final String NAME = "numactl";

    private static final Pattern AVAILABLE =
            Pattern.compile("available:\\s*(\\d+)\\s+nodes?\\s*\\(([^)]*)\\)\\s*");
    private static final Pattern NODE_LINE = Pattern.compile("node\\s+(\\d+)\\s+(\\w+):(.*)");
    private static final Pattern SIZE_MB = Pattern.compile("(\\d+)\\s*MB");
    private static final Pattern CPU_COUNT = Pattern.compile("\\((\\d+)\\)\\s*$");
    private static final Pattern CPU_TOKEN = Pattern.compile("\\d+(-\\d+)?");

    private final String source;
    private final String[] lines;
    private int pos;

    private NumactlHardwareParser(String text, String source) {
        this.source = source;
        this.lines = text.split("\\R", -1);
    }

    /** True when the text has a line starting with {@code available:}, as numactl prints. */
    public static boolean looksLikeNumactl(String text) {
        for (String line : text.split("\\R")) {
            if (line.stripLeading().startsWith("available:")) {
                return true;
            }
        }
        return false;
    }

    public static MachineSpec parse(String text, String sourceName) {
        InputLimits.DEFAULT.checkText(text, sourceName);
        return new NumactlHardwareParser(text, sourceName).parse();
    }

    /** Per-node facts gathered from the node lines. */
    private static final class NodeLines {
        int firstLine;
        int[] cpus;
        int cpusLine;
        long size = -1;
    }

    private MachineSpec parse() {
        int availLine = nextContentLine();
        if (availLine < 0) {
            throw error(0, 0, "empty; expected numactl --hardware output starting with"
                    + " 'available: N nodes (list)'");
        }
        Matcher avail = AVAILABLE.matcher(lines[availLine].strip());
        if (!avail.matches()) {
            throw error(availLine + 1, 1, "expected 'available: N nodes (0-N)' as the first line"
                    + " of numactl --hardware output, got '" + lines[availLine].strip() + "'");
        }
        int[] ids;
        try {
            ids = NodeMask.parseList(avail.group(2), NodeMask.MAX_NUMNODES - 1);
        } catch (IllegalArgumentException e) {
            throw error(availLine + 1, 1, "bad node list: " + e.getMessage());
        }
        int declared;
        try {
            declared = Integer.parseInt(avail.group(1));
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (ids.length == 0) {
            throw error(availLine + 1, 1, "no nodes; expected at least one node in the list");
        }
        if (declared != ids.length) {
            throw error(availLine + 1, 1, "says " + declared + " nodes but lists "
                    + ids.length + " (" + avail.group(2).strip() + ")");
        }
        int n = ids.length;
        int size = ids[n - 1] + 1; // nids 0..max, the ids not listed offline
        pos = availLine + 1;

        NodeLines[] nodes = new NodeLines[size];
        int[][] distance = null;
        int lastContentLine = availLine + 1;
        for (int i = nextContentLine(); i >= 0; i = nextContentLine()) {
            String line = lines[i].strip();
            int lineNo = i + 1;
            pos = i + 1;
            lastContentLine = lineNo;
            if (line.equals("node distances:")) {
                distance = parseDistances(ids);
                break;
            }
            if (line.equals("No distance information available.")) {
                distance = MachineRules.defaultDistances(size);
                break;
            }
            Matcher m = NODE_LINE.matcher(line);
            if (!m.matches()) {
                throw error(lineNo, 1, "unexpected line '" + line + "'; expected 'node N cpus:',"
                        + " 'node N size:', 'node N free:' or 'node distances:'");
            }
            int nid = parseNid(m.group(1), lineNo, nodes, ids);
            NodeLines node = nodes[nid] == null ? (nodes[nid] = new NodeLines()) : nodes[nid];
            if (node.firstLine == 0) {
                node.firstLine = lineNo;
            }
            String rest = m.group(3);
            switch (m.group(2)) {
                case "cpus":
                    if (node.cpus != null) {
                        throw error(lineNo, 1, "second 'node " + nid + " cpus:' line (first at"
                                + " line " + node.cpusLine + "); expected one per node");
                    }
                    node.cpus = parseCpus(rest, lineNo);
                    node.cpusLine = lineNo;
                    break;
                case "size":
                    if (node.size >= 0) {
                        throw error(lineNo, 1, "second 'node " + nid + " size:' line; expected"
                                + " one per node");
                    }
                    node.size = parseSize(rest, lineNo);
                    break;
                case "free":
                    break;
                default:
                    throw error(lineNo, 1, "unknown field '" + m.group(2) + "'; expected cpus,"
                            + " size or free");
            }
        }
        if (distance == null) {
            throw error(lastContentLine, 0, "missing the distance table; expected 'node distances:'"
                    + " (or 'No distance information available.') after the node lines");
        }
        int trailing = nextContentLine();
        if (trailing >= 0) {
            throw error(trailing + 1, 1, "unexpected text after the distance table: '"
                    + lines[trailing].strip() + "'");
        }

        List<NodeSpec> specs = new ArrayList<>(size);
        Map<Integer, Integer> cpuOwner = new HashMap<>();
        for (int nid = 0; nid < size; nid++) {
            NodeLines node = nodes[nid];
            if (Arrays.binarySearch(ids, nid) < 0) {
                specs.add(new NodeSpec(nid, 0, List.of(), false, 0, OptionalLong.empty(), 0));
                continue;
            }
            if (node == null || node.cpus == null || node.size < 0) {
                int at = node == null ? availLine + 1 : node.firstLine;
                String missing = node == null ? "lines" : node.cpus == null ? "cpus: line"
                        : "size: line";
                throw error(at, 0, "node " + nid + " is listed as available but has no 'node "
                        + nid + " " + missing + "'; expected cpus and size lines per node");
            }
            if (node.size == 0 && node.cpus.length == 0) {
                throw error(node.firstLine, 1, MachineRules.neitherMemoryNorCpus(nid));
            }
            List<Integer> cpus = new ArrayList<>();
            for (int cpu : node.cpus) {
                Integer first = cpuOwner.putIfAbsent(cpu, nid);
                if (first != null) {
                    throw error(node.cpusLine, 1, MachineRules.cpuOnTwoNodes(cpu, first, nid));
                }
                cpus.add(cpu);
            }
            specs.add(new NodeSpec(nid, node.size, cpus, false, 0, OptionalLong.empty(),
                    node.firstLine));
        }
        if (cpuOwner.isEmpty()) {
            throw error(availLine + 1, 1, MachineRules.noCpus());
        }
        return new MachineSpec(NAME, source, specs, distance, VmTunables.defaults());
    }

    private int parseNid(String text, int lineNo, NodeLines[] nodes, int[] ids) {
        int nid;
        try {
            nid = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            nid = Integer.MAX_VALUE;
        }
        if (nid >= nodes.length || Arrays.binarySearch(ids, nid) < 0) {
            throw error(lineNo, 1, "node " + text + " is not in the available list ("
                    + NodeMask.formatList(ids) + ")");
        }
        return nid;
    }

    private int[] parseCpus(String rest, int lineNo) {
        String t = rest.strip();
        int expectedCount = -1;
        Matcher count = CPU_COUNT.matcher(t);
        if (count.find()) {
            expectedCount = Integer.parseInt(count.group(1));
            t = t.substring(0, count.start()).strip();
        }
        StringBuilder list = new StringBuilder();
        for (String token : t.split("[\\s,]+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (!CPU_TOKEN.matcher(token).matches()) {
                throw error(lineNo, 1, "bad cpu '" + token + "'; expected cpu ids separated by"
                        + " spaces (0 1 2 3) or ranges (0-3, 8-11 (8))");
            }
            list.append(list.length() == 0 ? "" : ",").append(token);
        }
        int[] cpus;
        try {
            cpus = MachineRules.cpuList(list.toString());
        } catch (IllegalArgumentException e) {
            throw error(lineNo, 1, "bad cpu list: " + e.getMessage());
        }
        if (expectedCount >= 0 && expectedCount != cpus.length) {
            throw error(lineNo, 1, "cpu count (" + expectedCount + ") does not match the "
                    + cpus.length + " cpus listed");
        }
        return cpus;
    }

    private long parseSize(String rest, int lineNo) {
        String t = rest.strip();
        if (t.equals("<not available>")) {
            return 0;
        }
        Matcher m = SIZE_MB.matcher(t);
        if (!m.matches()) {
            throw error(lineNo, 1, "bad size '" + t + "'; expected 'N MB' or '<not available>'");
        }
        long mb;
        try {
            mb = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            mb = Long.MAX_VALUE;
        }
        if (mb > (MachineRules.MAX_PHYS_ADDR >>> 20)) {
            throw error(lineNo, 1, "size " + t + " exceeds the " + MachineRules.MAX_PHYSMEM_BITS
                    + "-bit physical address space");
        }
        return mb << 20;
    }

    /**
     * Reads the header and a row per listed node after 'node distances:'; the result is indexed
     * by nid, with the rows and columns of unlisted (offline) nids at the defaults.
     */
    private int[][] parseDistances(int[] ids) {
        int n = ids.length;
        int headerIdx = nextContentLine();
        if (headerIdx < 0) {
            throw error(lastContentLine(), 0, "distance table has no header; expected 'node 0 1 ...'");
        }
        pos = headerIdx + 1;
        List<Token> header = tokens(lines[headerIdx]);
        if (header.isEmpty() || !header.get(0).text.equals("node")) {
            throw error(headerIdx + 1, 1, "expected the distance header 'node 0 1 ...', got '"
                    + lines[headerIdx].strip() + "'");
        }
        if (header.size() - 1 != n) {
            throw error(headerIdx + 1, 1, "distance header lists " + (header.size() - 1)
                    + " nodes; expected " + n);
        }
        for (int k = 0; k < n; k++) {
            Token t = header.get(k + 1);
            if (!t.text.equals(Integer.toString(ids[k]))) {
                throw error(headerIdx + 1, t.column, "distance header column " + k + " is '"
                        + t.text + "'; expected node " + ids[k] + " (the nodes of the"
                        + " available: line, in order)");
            }
        }
        int[][] d = MachineRules.defaultDistances(ids[n - 1] + 1);
        for (int i = 0; i < n; i++) {
            int rowIdx = nextContentLine();
            if (rowIdx < 0) {
                throw error(lastContentLine(), 0, "distance table has " + i + " rows; expected " + n
                        + " (one per node)");
            }
            pos = rowIdx + 1;
            int lineNo = rowIdx + 1;
            List<Token> row = tokens(lines[rowIdx]);
            String label = ids[i] + ":";
            if (!row.get(0).text.equals(label)) {
                throw error(lineNo, row.get(0).column, "expected distance row '" + label
                        + "', got '" + lines[rowIdx].strip() + "'");
            }
            if (row.size() - 1 != n) {
                throw error(lineNo, 1, "distance row " + ids[i] + " has " + (row.size() - 1)
                        + " entries; expected " + n + " (one per node)");
            }
            for (int j = 0; j < n; j++) {
                Token t = row.get(j + 1);
                int v;
                try {
                    v = Integer.parseInt(t.text);
                } catch (NumberFormatException e) {
                    throw error(lineNo, t.column, "distance '" + t.text + "' is not a number;"
                            + " expected an integer 10..255");
                }
                String problem = MachineRules.distanceProblem(ids[i], ids[j], v);
                if (problem != null) {
                    throw error(lineNo, t.column, problem);
                }
                d[ids[i]][ids[j]] = v;
            }
        }
        return d;
    }

    private record Token(String text, int column) {
    }

    private static List<Token> tokens(String line) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(new Token(line.substring(start, i), start + 1));
            }
        }
        return out;
    }

    /** Index of the next line at or after pos that is not blank or a # comment; -1 at the end. */
    private int nextContentLine() {
        for (int i = pos; i < lines.length; i++) {
            String s = lines[i].strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                return i;
            }
        }
        return -1;
    }

    /** 1-based number of the last line that is not blank or a comment. */
    private int lastContentLine() {
        for (int i = lines.length - 1; i >= 0; i--) {
            String s = lines[i].strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                return i + 1;
            }
        }
        return 0;
    }

    private ConfigException error(int line, int column, String message) {
        return new ConfigException(source, line, column, message);
    }
}
