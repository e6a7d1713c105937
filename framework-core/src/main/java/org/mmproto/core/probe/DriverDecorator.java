package org.mmproto.core.probe;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.fault.FailAttr;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.HookMethods;

/**
 * A Byte Buddy–generated {@link PrivateNodeDriver} around a driver, for the driver_hook fail
 * point: it implements exactly the methods the driver's class overrides (so the engine derives
 * the same hooks from it, CONTRACT R5.2) and forwards each call, unless the fault injector fails
 * that hook call. The modes (CONTRACT R6.3):
 * <ul>
 * <li>{@code throw} and {@code null}: the hook failed before it did any work, as a kernel
 * function whose should_fail() fired returns at its top: the driver never sees the call, the
 * decorator throws {@link InjectedFault} or answers null;
 * <li>{@code hang}: a real timeout: the driver's hook runs (its state changes and reports
 * happen) and the call then overruns the budget before it returns, so the engine never gets its
 * answer and uses the fallback (R3.3) and quarantines the driver (R3.4).
 * </ul>
 * The engine's containment answers as for a real misbehaving driver. No agent is needed: the
 * class is defined in a child of the driver's class loader, so it sees the API and the plugin.
 */
public final class DriverDecorator {
    private DriverDecorator() {
    }

    /** Thrown by a driver_hook fault in mode throw. */
    public static final class InjectedFault extends RuntimeException {
        InjectedFault(String hook) {
            super("FAULT_INJECTION: driver_hook " + hook);
        }
    }

    /**
     * Wraps {@code driver} bound to {@code nid}; a hang sleeps {@code hang} after the hook
     * returned (longer than the budget). Returns the driver itself when {@code faults} is off
     * (nothing generated, nothing changed).
     */
    public static PrivateNodeDriver wrap(PrivateNodeDriver driver, FaultInjector faults, int nid, Duration hang) {
        if (driver == null || !faults.active()) {
            return driver;
        }
        Class<? extends PrivateNodeDriver> type = driver.getClass();
        Map<String, String> hookOf = new HashMap<>();
        for (Hook h : Hook.values()) {
            hookOf.put(HookMethods.methodName(h), h.kernelName());
        }
        ElementMatcher.Junction<MethodDescription> overridden = ElementMatchers.none();
        for (Method m : PrivateNodeDriver.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                Method impl = type.getMethod(m.getName(), m.getParameterTypes());
                if (impl.getDeclaringClass() != PrivateNodeDriver.class || !m.isDefault()) {
                    overridden = overridden.or(ElementMatchers.named(m.getName())
                            .and(ElementMatchers.takesArguments(m.getParameterTypes())));
                }
            } catch (NoSuchMethodException e) {
                throw new AssertionError(m + " is public in the API", e);
            }
        }
        InvocationHandler handler = (proxy, method, args) -> {
            String hook = hookOf.get(method.getName());
            FailAttr.Mode mode = hook == null ? null : faults.failHook(hook, nid);
            if (mode == FailAttr.Mode.THROW) {
                throw new InjectedFault(hook);
            }
            if (mode == FailAttr.Mode.NULL) {
                return null;
            }
            Object answer;
            try {
                answer = method.invoke(driver, args);
            } catch (InvocationTargetException e) {
                if (mode == FailAttr.Mode.HANG) {
                    org.mmproto.core.hooks.Containment.injectedHang(hang);
                }
                throw e.getCause();
            }
            if (mode == FailAttr.Mode.HANG) {
                // the lane sees the declared hang and stops waiting: this answer is never used
                org.mmproto.core.hooks.Containment.injectedHang(hang);
            }
            return answer;
        };
        ElementMatcher.Junction<MethodDescription> matcher = overridden;
        // the framework's work, not the driver's: its CPU is not charged to the driver's budget (R3.3)
        Class<? extends PrivateNodeDriver> decorated = org.mmproto.core.hooks.Containment.unbudgeted(() -> generate(type, matcher, handler));
        try {
            return decorated.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot decorate driver " + type.getName(), e);
        }
    }

    private static Class<? extends PrivateNodeDriver> generate(Class<? extends PrivateNodeDriver> type,
            ElementMatcher.Junction<MethodDescription> overridden, InvocationHandler handler) {
        {
            return new ByteBuddy().subclass(Object.class).implement(PrivateNodeDriver.class)
                    .name(type.getName() + "$FaultDecorator")
                    .method(overridden).intercept(InvocationHandlerAdapter.of(handler))
                    .make().load(type.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER).getLoaded()
                    .asSubclass(PrivateNodeDriver.class);
        }
    }
}
