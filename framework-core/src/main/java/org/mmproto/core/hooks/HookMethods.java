package org.mmproto.core.hooks;

import java.lang.reflect.Method;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * The callbacks a driver implements, derived from its class (CONTRACT R5.2): each {@link Hook}
 * is the {@link PrivateNodeDriver} default method named after the kernel callback in camel case
 * (migrate_to: {@code migrateTo}); a driver implements it when its class or a superclass
 * overrides that method.
 */
public final class HookMethods {
    private static final Map<Hook, Method> METHODS = methods();

    private HookMethods() {
    }

    /** The hooks whose callback {@code type} (or a superclass) overrides. */
    public static Set<Hook> implemented(Class<? extends PrivateNodeDriver> type) {
        Set<Hook> out = EnumSet.noneOf(Hook.class);
        METHODS.forEach((hook, m) -> {
            try {
                if (type.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass() != PrivateNodeDriver.class) {
                    out.add(hook);
                }
            } catch (NoSuchMethodException e) {
                throw new AssertionError(m + " is public in the API", e);
            }
        });
        return out;
    }

    /** The Java method of a hook: its kernel name in camel case. */
    public static String methodName(Hook hook) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char c : hook.kernelName().toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    private static Map<Hook, Method> methods() {
        Map<Hook, Method> out = new EnumMap<>(Hook.class);
        for (Hook h : Hook.values()) {
            String name = methodName(h);
            for (Method m : PrivateNodeDriver.class.getMethods()) {
                if (m.getName().equals(name) && m.isDefault()) {
                    out.put(h, m);
                }
            }
            if (!out.containsKey(h)) {
                throw new IllegalStateException("PrivateNodeDriver has no default method " + name + " for hook " + h);
            }
        }
        return out;
    }
}
