package org.mmproto.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mmproto.conformance.Rule;
import org.mmproto.conformance.Rules;

/** DriverConformanceTest has one factory per rule, named by its id, so every rule shows as a test of its own. */
class RuleFactoriesTest {
    @Test
    void every_rule_has_a_factory_named_by_its_id_and_no_factory_lacks_a_rule() {
        List<String> factories = Arrays.stream(DriverConformanceTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(TestFactory.class)).map(Method::getName).sorted().toList();
        assertThat(factories).containsExactlyElementsOf(Rules.ALL.stream().map(r -> r.id().replace('.', '_')).sorted().toList());
    }

    @Test
    void a_factory_is_displayed_as_its_rule_id_and_title() throws Exception {
        Method m = DriverConformanceTest.class.getDeclaredMethod("R4_2");
        Rule r = Rules.FREE_BALANCE;
        assertThat(new RuleDisplayNames().generateDisplayNameForMethod(List.of(), DriverConformanceTest.class, m))
                .isEqualTo("R4.2 " + r.title());
        Method other = RuleFactoriesTest.class.getDeclaredMethod("a_factory_is_displayed_as_its_rule_id_and_title");
        assertThat(new RuleDisplayNames().generateDisplayNameForMethod(List.of(), RuleFactoriesTest.class, other))
                .isEqualTo("a_factory_is_displayed_as_its_rule_id_and_title()");
    }
}
