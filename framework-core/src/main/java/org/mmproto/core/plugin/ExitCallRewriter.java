package org.mmproto.core.plugin;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;
import org.mmproto.api.driver.ForbiddenCallException;

/**
 * Rewrites a plugin class as it is defined: every call of {@code System.exit(int)},
 * {@code Runtime.exit(int)}, {@code Runtime.halt(int)} and {@code Thread.stop()} becomes a call
 * of the matching {@link ForbiddenCallException} method, which throws (CONTRACT R3.6). Classes
 * that name none of those methods are returned unchanged without being parsed.
 */
final class ExitCallRewriter {
    private static final byte[][] MARKERS = {bytes("exit"), bytes("halt"), bytes("stop")};

    private final AsmVisitorWrapper substitution = MemberSubstitution.relaxed()
            .method(named("exit").and(takesArguments(int.class)).and(isDeclaredBy(System.class)))
            .replaceWith(target("systemExit", int.class))
            .method(named("exit").and(takesArguments(int.class)).and(isDeclaredBy(Runtime.class)))
            .replaceWith(target("runtimeExit", Runtime.class, int.class))
            .method(named("halt").and(takesArguments(int.class)).and(isDeclaredBy(Runtime.class)))
            .replaceWith(target("runtimeHalt", Runtime.class, int.class))
            .method(named("stop").and(takesArguments(0)).and(isDeclaredBy(Thread.class)))
            .replaceWith(target("threadStop", Thread.class))
            .on(net.bytebuddy.matcher.ElementMatchers.any());

    /**
     * @param loader resolves the types the class refers to (the plugin's own loader)
     * @throws IllegalStateException when the class cannot be rewritten
     */
    byte[] rewrite(String className, byte[] classFile, ClassLoader loader) {
        if (!mentionsMarker(classFile)) {
            return classFile;
        }
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(className, classFile),
                ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = TypePool.Default.of(locator);
        try {
            return new ByteBuddy().with(TypeValidation.DISABLED)
                    .redefine(pool.describe(className).resolve(), locator)
                    .visit(substitution)
                    .make()
                    .getBytes();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot check " + className + " for System.exit/Runtime.halt calls: " + e, e);
        }
    }

    /** Only a class whose constant pool holds one of the method names can call them. */
    private static boolean mentionsMarker(byte[] classFile) {
        for (byte[] m : MARKERS) {
            if (indexOf(classFile, m) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Method target(String name, Class<?>... params) {
        try {
            return ForbiddenCallException.class.getMethod(name, params);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
