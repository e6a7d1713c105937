package org.mmproto.core.plugin;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * Which callbacks a driver class really overrides, to check them against what its
 * {@code hooks()} declares: each {@link Hook} is the {@link PrivateNodeDriver} default method
 * named after the kernel callback in camel case (migrate_to: {@code migrateTo}).
 */
final class HookMethods {
    private static final Map<Hook, Method> METHODS = methods();

    private HookMethods() {
    }

    /** The hooks whose callback {@code type} (or a superclass) overrides. */
    static Set<Hook> overridden(Class<? extends PrivateNodeDriver> type) {
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

    /** Warnings for a driver whose declared hooks and overridden callbacks disagree. */
    static List<String> mismatches(Class<? extends PrivateNodeDriver> type, Set<Hook> declared) {
        Set<Hook> overridden = overridden(type);
        List<String> out = new ArrayList<>();
        for (Hook h : Hook.values()) {
            String method = METHODS.get(h).getName() + "()";
            if (declared.contains(h) && !overridden.contains(h)) {
                out.add(type.getName() + ": hooks() lists " + h.kernelName() + " but the class keeps the default " + method);
            } else if (!declared.contains(h) && overridden.contains(h)) {
                out.add(type.getName() + ": overrides " + method + " but hooks() does not list " + h.kernelName());
            }
        }
        return out;
    }

    static String methodName(Hook hook) {
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
