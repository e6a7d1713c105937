package org.mmproto.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader that sees only the host's exported packages ({@link HostExports}):
 * those always come from the host (so a copy bundled in the jar can never shadow the API);
 * JDK classes come from the platform loader; everything else from the plugin's own jar, then from
 * the plugins it depends on. A plugin asking for {@code org.mmproto.core.*}, Guice or any other
 * host library gets {@link ClassNotFoundException}. {@code META-INF/extensions.idx} is read from
 * the plugin's own jar only, never the host's. Every class of the jar is defined through
 * {@link ExitCallRewriter}, so no plugin code can end the process (CONTRACT R3.6).
 */
final class ApiOnlyPluginClassLoader extends PluginClassLoader {
    static final String EXTENSIONS_IDX = "META-INF/extensions.idx";

    private final String pluginId;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
    private final ExitCallRewriter rewriter = new ExitCallRewriter();

    ApiOnlyPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader host) {
        super(manager, descriptor, host, ClassLoadingStrategy.PDA);
        this.pluginId = descriptor.getPluginId();
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (className.startsWith("java.") || HostExports.exportsClass(className)) {
            if (className.startsWith("java.")) {
                return super.loadClass(className);
            }
            // Host first and only: the API exists once, in the host.
            return getParent().loadClass(className);
        }
        synchronized (getClassLoadingLock(className)) {
            Class<?> c = findLoadedClass(className);
            if (c != null) {
                return c;
            }
            try {
                return platform.loadClass(className);
            } catch (ClassNotFoundException notJdk) {
                // not a JDK class
            }
            try {
                return findClass(className);
            } catch (ClassNotFoundException notInJar) {
                // try the plugins this one depends on
            }
            c = loadClassFromDependencies(className);
            if (c != null) {
                return c;
            }
            throw new ClassNotFoundException(className + " (not in plugin '" + pluginId
                    + "'; the host exports only " + HostExports.describe() + ")");
        }
    }

    /** Defines a class of the plugin's own jar, with its exit and halt calls rewritten. */
    @Override
    protected Class<?> findClass(String className) throws ClassNotFoundException {
        String path = className.replace('.', '/') + ".class";
        URL url = findResource(path);
        if (url == null) {
            throw new ClassNotFoundException(className);
        }
        byte[] original;
        try (InputStream in = url.openStream()) {
            original = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(className + " (cannot read " + url + ")", e);
        }
        byte[] rewritten;
        try {
            rewritten = rewriter.rewrite(className, original, this);
        } catch (IllegalStateException e) {
            throw new ClassNotFoundException(className + " (plugin '" + pluginId + "'): " + e.getMessage(), e);
        }
        definePackageOf(className);
        URL[] jars = getURLs();
        CodeSource source = new CodeSource(jars.length > 0 ? jars[0] : url, (CodeSigner[]) null);
        return defineClass(className, rewritten, 0, rewritten.length, source);
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        if (getDefinedPackage(pkg) == null) {
            try {
                definePackage(pkg, null, null, null, null, null, null, null);
            } catch (IllegalArgumentException alreadyDefined) {
                // another thread defined it first
            }
        }
    }

    @Override
    public URL getResource(String name) {
        URL url = findResource(name);
        if (url != null || EXTENSIONS_IDX.equals(name)) {
            return url;
        }
        url = HostExports.exportsResource(name) ? getParent().getResource(name) : platform.getResource(name);
        return url != null ? url : findResourceFromDependencies(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> urls = new ArrayList<>(Collections.list(findResources(name)));
        if (!EXTENSIONS_IDX.equals(name)) {
            ClassLoader outside = HostExports.exportsResource(name) ? getParent() : platform;
            urls.addAll(Collections.list(outside.getResources(name)));
            urls.addAll(findResourcesFromDependencies(name));
        }
        return Collections.enumeration(urls);
    }

    @Override
    public String toString() {
        return "ApiOnlyPluginClassLoader[" + pluginId + "]";
    }
}
