package org.mmproto.conformance.junit;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.mmproto.conformance.Rule;
import org.mmproto.conformance.Rules;

/**
 * Names {@link DriverConformanceTest}'s factories by their rule: method {@code R4_2} is shown as
 * {@code R4.2 free notifications balance ...}, the id and title of {@link Rules}.
 */
public final class RuleDisplayNames extends DisplayNameGenerator.Standard {
    /** The rule a factory method of that name checks, or null. */
    static Rule ruleOf(String methodName) {
        return Rules.byId(methodName.replace('_', '.')).orElse(null);
    }

    @Override
    public String generateDisplayNameForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        Rule r = ruleOf(testMethod.getName());
        return r == null ? super.generateDisplayNameForMethod(enclosingInstanceTypes, testClass, testMethod) : r.id() + " " + r.title();
    }
}
