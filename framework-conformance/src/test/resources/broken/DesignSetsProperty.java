package broken;

import java.util.EnumSet;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.*;

/**
 * Not broken: a --plugins DIR jar whose design plugin sets a system property when it is created,
 * as the design plugins of DIR are while they load. R6.4 judges the jar under test, so this is
 * never blamed on it (ConformCommandTest).
 */
public class DesignSetsProperty implements PrivateNodeDriver {
    public static final String PROPERTY = "broken.designsetsproperty.loads";

    public NodeOptIns bind(NodeBinding b, DriverContext c) { return new NodeOptIns(EnumSet.noneOf(NpOps.class)); }

    /** Mainline everywhere; counts its creations in a system property. */
    public static final class PropertyDesign implements Design {
        public PropertyDesign() {
            System.setProperty(PROPERTY, String.valueOf(Long.getLong(PROPERTY, 0L) + 1));
        }
        @Override public String name() { return "sets-property"; }
        @Override public String summary() { return "mainline; sets a system property when created (test fixture)"; }
        @Override public String source() { return "framework-conformance tests"; }
    }
}
