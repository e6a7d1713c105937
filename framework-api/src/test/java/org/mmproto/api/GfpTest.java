package org.mmproto.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mmproto.api.Gfp.*;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GfpTest {

    /** Every public static Gfp constant, by field name. */
    private static Map<String, Gfp> constants() throws IllegalAccessException {
        Map<String, Gfp> m = new LinkedHashMap<>();
        for (Field f : Gfp.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (f.getType() == Gfp.class && Modifier.isStatic(mod) && Modifier.isPublic(mod)) {
                m.put(f.getName(), (Gfp) f.get(null));
            }
        }
        return m;
    }

    @Nested
    class Values {
        @Test
        void single_bit_flags_have_the_6_12_bit_values() {
            assertThat(__GFP_DMA.bits()).isEqualTo(0x1);
            assertThat(__GFP_HIGHMEM.bits()).isEqualTo(0x2);
            assertThat(__GFP_DMA32.bits()).isEqualTo(0x4);
            assertThat(__GFP_MOVABLE.bits()).isEqualTo(0x8);
            assertThat(__GFP_RECLAIMABLE.bits()).isEqualTo(0x10);
            assertThat(__GFP_HIGH.bits()).isEqualTo(0x20);
            assertThat(__GFP_IO.bits()).isEqualTo(0x40);
            assertThat(__GFP_FS.bits()).isEqualTo(0x80);
            assertThat(__GFP_ZERO.bits()).isEqualTo(0x100);
            assertThat(__GFP_PRIVATE.bits()).isEqualTo(0x200);
            assertThat(__GFP_DIRECT_RECLAIM.bits()).isEqualTo(0x400);
            assertThat(__GFP_KSWAPD_RECLAIM.bits()).isEqualTo(0x800);
            assertThat(__GFP_WRITE.bits()).isEqualTo(0x1000);
            assertThat(__GFP_NOWARN.bits()).isEqualTo(0x2000);
            assertThat(__GFP_RETRY_MAYFAIL.bits()).isEqualTo(0x4000);
            assertThat(__GFP_NOFAIL.bits()).isEqualTo(0x8000);
            assertThat(__GFP_NORETRY.bits()).isEqualTo(0x10000);
            assertThat(__GFP_MEMALLOC.bits()).isEqualTo(0x20000);
            assertThat(__GFP_COMP.bits()).isEqualTo(0x40000);
            assertThat(__GFP_NOMEMALLOC.bits()).isEqualTo(0x80000);
            assertThat(__GFP_HARDWALL.bits()).isEqualTo(0x100000);
            assertThat(__GFP_THISNODE.bits()).isEqualTo(0x200000);
            assertThat(__GFP_ACCOUNT.bits()).isEqualTo(0x400000);
            assertThat(__GFP_ZEROTAGS.bits()).isEqualTo(0x800000);
        }

        @Test
        void composites_have_the_hex_values_of_the_spec_table() {
            assertThat(__GFP_RECLAIM.bits()).isEqualTo(0xc00);
            assertThat(GFP_ATOMIC.bits()).isEqualTo(0x820);
            assertThat(GFP_KERNEL.bits()).isEqualTo(0xcc0);
            assertThat(GFP_KERNEL_ACCOUNT.bits()).isEqualTo(0x400cc0);
            assertThat(GFP_NOIO.bits()).isEqualTo(0xc00);
            assertThat(GFP_NOFS.bits()).isEqualTo(0xc40);
            assertThat(GFP_USER.bits()).isEqualTo(0x100cc0);
            assertThat(GFP_DMA.bits()).isEqualTo(0x1);
            assertThat(GFP_DMA32.bits()).isEqualTo(0x4);
            assertThat(GFP_HIGHUSER.bits()).isEqualTo(0x100cc2);
            assertThat(GFP_HIGHUSER_MOVABLE.bits()).isEqualTo(0x100cca);
            assertThat(GFP_TRANSHUGE_LIGHT.bits()).isEqualTo(0x1c20ca);
            assertThat(GFP_TRANSHUGE.bits()).isEqualTo(0x1c24ca);
            assertThat(GFP_PRIVATE.bits()).isEqualTo(0x200200);
        }

        @Test
        void GFP_NOWAIT_includes_NOWARN_in_6_12() {
            assertThat(GFP_NOWAIT.bits()).isEqualTo(0x2800);
            assertThat(GFP_NOWAIT.has(__GFP_NOWARN)).isTrue();
        }

        @Test
        void GFP_TRANSHUGE_LIGHT_has_no_reclaim_bits_and_GFP_TRANSHUGE_only_direct_reclaim() {
            assertThat(GFP_TRANSHUGE_LIGHT.hasAny(__GFP_RECLAIM)).isFalse();
            assertThat(GFP_TRANSHUGE.has(__GFP_DIRECT_RECLAIM)).isTrue();
            assertThat(GFP_TRANSHUGE.has(__GFP_KSWAPD_RECLAIM)).isFalse();
        }

        @Test
        void every_Bits_constant_equals_the_matching_single_flag() throws Exception {
            Map<String, Gfp> c = constants();
            int checked = 0;
            for (Field f : Gfp.Bits.class.getDeclaredFields()) {
                Gfp flag = c.get("__GFP_" + f.getName());
                if (flag != null) {
                    assertThat(f.getInt(null)).as(f.getName()).isEqualTo(flag.bits());
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(25); // 24 single bits + RECLAIM
            assertThat(Gfp.Bits.THISNODE).isEqualTo(0x200000);
            assertThat(Gfp.Bits.RECLAIM).isEqualTo(0xc00);
        }

        @Test
        void or_without_has_and_hasAny_are_bit_operations() {
            Gfp g = GFP_KERNEL.or(__GFP_THISNODE);
            assertThat(g).isEqualTo(Gfp.of(0x200cc0));
            assertThat(g.has(GFP_KERNEL)).isTrue();
            assertThat(g.has(GFP_USER)).isFalse();
            assertThat(g.hasAny(GFP_USER)).isTrue();
            assertThat(g.hasAny(__GFP_HARDWALL)).isFalse();
            assertThat(g.without(__GFP_RECLAIM)).isEqualTo(Gfp.of(0x2000c0));
            assertThat(GFP_KERNEL).isEqualTo(new Gfp(0xcc0));
        }

        @Test
        void allowsBlocking_follows_DIRECT_RECLAIM() {
            assertThat(GFP_KERNEL.allowsBlocking()).isTrue();
            assertThat(GFP_TRANSHUGE.allowsBlocking()).isTrue();
            assertThat(GFP_ATOMIC.allowsBlocking()).isFalse();
            assertThat(GFP_NOWAIT.allowsBlocking()).isFalse();
            assertThat(GFP_TRANSHUGE_LIGHT.allowsBlocking()).isFalse();
        }
    }

    @Nested
    class GfpZone {
        @Test
        void gfp_zone_of_no_zone_bits_is_ZONE_NORMAL() {
            assertThat(Gfp.of(0).zone()).isEqualTo(ZoneType.NORMAL);
        }

        @Test
        void gfp_zone_of_DMA_is_ZONE_DMA() {
            assertThat(__GFP_DMA.zone()).isEqualTo(ZoneType.DMA);
        }

        @Test
        void gfp_zone_of_HIGHMEM_is_ZONE_NORMAL_on_x86_64() {
            assertThat(__GFP_HIGHMEM.zone()).isEqualTo(ZoneType.NORMAL);
        }

        @Test
        void gfp_zone_of_DMA32_is_ZONE_DMA32() {
            assertThat(__GFP_DMA32.zone()).isEqualTo(ZoneType.DMA32);
        }

        @Test
        void gfp_zone_of_MOVABLE_alone_is_ZONE_NORMAL() {
            assertThat(__GFP_MOVABLE.zone()).isEqualTo(ZoneType.NORMAL);
        }

        @Test
        void gfp_zone_of_MOVABLE_plus_DMA_is_ZONE_DMA() {
            assertThat(__GFP_MOVABLE.or(__GFP_DMA).zone()).isEqualTo(ZoneType.DMA);
        }

        @Test
        void gfp_zone_of_MOVABLE_plus_HIGHMEM_is_ZONE_MOVABLE() {
            assertThat(__GFP_MOVABLE.or(__GFP_HIGHMEM).zone()).isEqualTo(ZoneType.MOVABLE);
            assertThat(__GFP_MOVABLE.or(__GFP_HIGHMEM).zoneIndex()).isEqualTo(3);
        }

        @Test
        void gfp_zone_of_MOVABLE_plus_DMA32_is_ZONE_DMA32() {
            assertThat(__GFP_MOVABLE.or(__GFP_DMA32).zone()).isEqualTo(ZoneType.DMA32);
        }

        @ParameterizedTest(name = "zone bits 0x{0}")
        @ValueSource(ints = {0x3, 0x5, 0x6, 0x7, 0xb, 0xd, 0xe, 0xf})
        void gfp_zone_of_a_GFP_ZONE_BAD_combination_throws_naming_the_mask(int zoneBits) {
            Gfp g = Gfp.of(zoneBits | GFP_KERNEL.bits());
            assertThatThrownBy(g::zoneIndex)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.format("0x%x", g.bits()));
            assertThatThrownBy(g::zone).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void gfp_zone_ignores_bits_outside_the_zone_mask() {
            assertThat(GFP_KERNEL.zone()).isEqualTo(ZoneType.NORMAL);
            assertThat(GFP_USER.zone()).isEqualTo(ZoneType.NORMAL);
            assertThat(GFP_HIGHUSER.zone()).isEqualTo(ZoneType.NORMAL);
            assertThat(GFP_HIGHUSER_MOVABLE.zone()).isEqualTo(ZoneType.MOVABLE);
            assertThat(GFP_TRANSHUGE_LIGHT.zone()).isEqualTo(ZoneType.MOVABLE);
            assertThat(GFP_TRANSHUGE.zone()).isEqualTo(ZoneType.MOVABLE);
            assertThat(GFP_DMA32.or(GFP_KERNEL).zone()).isEqualTo(ZoneType.DMA32);
            assertThat(GFP_ATOMIC.or(Gfp.of(0x1000000)).zone()).isEqualTo(ZoneType.NORMAL);
        }
    }

    @Nested
    class Migratetype {
        @Test
        void no_mobility_bits_is_MIGRATE_UNMOVABLE() {
            assertThat(GFP_KERNEL.migratetypeIndex()).isZero();
            assertThat(GFP_KERNEL.migratetype()).isEqualTo(MigrateType.UNMOVABLE);
        }

        @Test
        void MOVABLE_is_MIGRATE_MOVABLE() {
            assertThat(GFP_HIGHUSER_MOVABLE.migratetypeIndex()).isEqualTo(1);
            assertThat(GFP_TRANSHUGE.migratetype()).isEqualTo(MigrateType.MOVABLE);
        }

        @Test
        void RECLAIMABLE_is_MIGRATE_RECLAIMABLE() {
            assertThat(GFP_KERNEL.or(__GFP_RECLAIMABLE).migratetypeIndex()).isEqualTo(2);
            assertThat(__GFP_RECLAIMABLE.migratetype()).isEqualTo(MigrateType.RECLAIMABLE);
        }

        @Test
        void MOVABLE_plus_RECLAIMABLE_throws() {
            Gfp g = __GFP_MOVABLE.or(__GFP_RECLAIMABLE);
            assertThatThrownBy(g::migratetypeIndex)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0x18");
            assertThatThrownBy(g::migratetype).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Print {
        @Test
        void empty_mask_prints_none() {
            assertThat(Gfp.of(0)).hasToString("none");
        }

        @Test
        void HIGHUSER_MOVABLE_plus_ZERO_prints_the_composite_then_the_flag() {
            assertThat(Gfp.of(0x100cca | 0x100)).hasToString("GFP_HIGHUSER_MOVABLE|__GFP_ZERO");
        }

        @Test
        void composites_print_as_their_own_name() {
            assertThat(GFP_TRANSHUGE).hasToString("GFP_TRANSHUGE");
            assertThat(GFP_TRANSHUGE_LIGHT).hasToString("GFP_TRANSHUGE_LIGHT");
            assertThat(GFP_HIGHUSER_MOVABLE).hasToString("GFP_HIGHUSER_MOVABLE");
            assertThat(GFP_HIGHUSER).hasToString("GFP_HIGHUSER");
            assertThat(GFP_USER).hasToString("GFP_USER");
            assertThat(GFP_KERNEL_ACCOUNT).hasToString("GFP_KERNEL_ACCOUNT");
            assertThat(GFP_KERNEL).hasToString("GFP_KERNEL");
            assertThat(GFP_NOFS).hasToString("GFP_NOFS");
            assertThat(GFP_ATOMIC).hasToString("GFP_ATOMIC");
            assertThat(GFP_NOIO).hasToString("GFP_NOIO");
            assertThat(GFP_NOWAIT).hasToString("GFP_NOWAIT");
            assertThat(GFP_DMA).hasToString("GFP_DMA");
            assertThat(GFP_DMA32).hasToString("GFP_DMA32");
        }

        @Test
        void KERNEL_plus_THISNODE_prints_GFP_KERNEL_then_THISNODE() {
            assertThat(Gfp.of(0x200000 | 0xcc0)).hasToString("GFP_KERNEL|__GFP_THISNODE");
        }

        @Test
        void aliases_print_under_the_name_that_comes_first_in_the_kernel_table() {
            assertThat(__GFP_RECLAIM).hasToString("GFP_NOIO");
            assertThat(__GFP_DMA).hasToString("GFP_DMA");
            assertThat(__GFP_DMA32).hasToString("GFP_DMA32");
            // GFP_NOWAIT|__GFP_HIGH == GFP_ATOMIC|__GFP_NOWARN, and GFP_ATOMIC is tried first.
            assertThat(GFP_NOWAIT.or(__GFP_HIGH)).hasToString("GFP_ATOMIC|__GFP_NOWARN");
        }

        @Test
        void a_composite_matches_only_when_all_its_bits_remain() {
            Gfp userWithoutDirect = GFP_USER.without(__GFP_DIRECT_RECLAIM);
            assertThat(userWithoutDirect).hasToString("__GFP_IO|__GFP_FS|__GFP_HARDWALL|__GFP_KSWAPD_RECLAIM");
            assertThat(GFP_ATOMIC.or(__GFP_DIRECT_RECLAIM)).hasToString("GFP_ATOMIC|__GFP_DIRECT_RECLAIM");
            assertThat(GFP_TRANSHUGE.or(__GFP_THISNODE)).hasToString("GFP_TRANSHUGE|__GFP_THISNODE");
        }

        @Test
        void GFP_PRIVATE_is_not_a_print_name_so_it_prints_as_its_two_bits() {
            assertThat(GFP_PRIVATE).hasToString("__GFP_THISNODE|__GFP_PRIVATE");
            assertThat(__GFP_PRIVATE).hasToString("__GFP_PRIVATE");
            assertThat(GFP_KERNEL.or(GFP_PRIVATE)).hasToString("GFP_KERNEL|__GFP_THISNODE|__GFP_PRIVATE");
        }

        @Test
        void single_bits_print_in_kernel_table_order() {
            Gfp all = Gfp.of(0xffffff);
            assertThat(all.without(GFP_TRANSHUGE).without(GFP_KERNEL)).hasToString(
                    "GFP_DMA|GFP_DMA32|__GFP_HIGH|__GFP_RETRY_MAYFAIL|__GFP_NOFAIL|__GFP_NORETRY"
                    + "|__GFP_ZERO|__GFP_MEMALLOC|__GFP_THISNODE|__GFP_RECLAIMABLE|__GFP_ACCOUNT"
                    + "|__GFP_WRITE|__GFP_ZEROTAGS|__GFP_PRIVATE");
        }

        @Test
        void leftover_unknown_bits_print_as_lowercase_hex_after_the_names() {
            assertThat(GFP_KERNEL.or(Gfp.of(0x3000000))).hasToString("GFP_KERNEL|0x3000000");
            assertThat(Gfp.of(0x1000000)).hasToString("0x1000000");
            assertThat(Gfp.of(0xab000000)).hasToString("0xab000000");
            assertThat(Gfp.of(0xff000020)).hasToString("__GFP_HIGH|0xff000000");
        }
    }

    @Nested
    class Parse {
        @Test
        void every_public_constant_is_listed_in_names_and_parses_by_its_field_name() throws Exception {
            Map<String, Gfp> c = constants();
            assertThat(c).hasSize(39);
            assertThat(Gfp.names()).containsExactlyInAnyOrderElementsOf(c.keySet());
            for (Map.Entry<String, Gfp> e : c.entrySet()) {
                assertThat(Gfp.parse(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }

        @Test
        void names_is_unmodifiable() {
            assertThatThrownBy(() -> Gfp.names().add("x"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void every_constant_round_trips_through_its_printed_form() throws Exception {
            for (Map.Entry<String, Gfp> e : constants().entrySet()) {
                Gfp g = e.getValue();
                assertThat(Gfp.parse(g.toString())).as(e.getKey()).isEqualTo(g);
            }
        }

        @Test
        void random_masks_with_unknown_bits_round_trip_through_their_printed_form() {
            Random rnd = new Random(0x6f9L);
            List<Gfp> masks = new ArrayList<>();
            masks.add(Gfp.of(0));
            masks.add(Gfp.of(-1));
            masks.add(Gfp.of(0xffffff));
            for (int i = 0; i < 500; i++) {
                int m = rnd.nextInt() & 0xffffff;
                if (i % 3 == 0) {
                    m |= 0x1000000;
                }
                if (i % 7 == 0) {
                    m |= rnd.nextInt() & 0xff000000;
                }
                masks.add(Gfp.of(m));
            }
            for (Gfp g : masks) {
                assertThat(Gfp.parse(g.toString())).as(g.toString()).isEqualTo(g);
            }
        }

        @Test
        void parse_accepts_hex_decimal_none_zero_and_spaces_around_tokens() {
            assertThat(Gfp.parse(" GFP_KERNEL | __GFP_ZERO ")).isEqualTo(Gfp.of(0xdc0));
            assertThat(Gfp.parse("0xcc0")).isEqualTo(GFP_KERNEL);
            assertThat(Gfp.parse("0XCC0")).isEqualTo(GFP_KERNEL);
            assertThat(Gfp.parse("3264")).isEqualTo(GFP_KERNEL);
            assertThat(Gfp.parse("none")).isEqualTo(Gfp.of(0));
            assertThat(Gfp.parse("0")).isEqualTo(Gfp.of(0));
            assertThat(Gfp.parse("GFP_KERNEL|0x1000000")).isEqualTo(Gfp.of(0x1000cc0));
            assertThat(Gfp.parse("0xffffffff")).isEqualTo(Gfp.of(-1));
            assertThat(Gfp.parse("GFP_PRIVATE")).isEqualTo(__GFP_PRIVATE.or(__GFP_THISNODE));
        }

        @Test
        void unknown_token_error_names_token_text_and_closest_name() {
            assertThatThrownBy(() -> Gfp.parse("__GFP_THISNOD|GFP_KERNEL"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown GFP flag '__GFP_THISNOD' in '__GFP_THISNOD|GFP_KERNEL'"
                            + " (did you mean __GFP_THISNODE?)");
        }

        @Test
        void names_are_case_sensitive_but_the_error_suggests_the_real_spelling() {
            assertThatThrownBy(() -> Gfp.parse("gfp_kernel"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'gfp_kernel'")
                    .hasMessageContaining("did you mean GFP_KERNEL?");
            assertThatThrownBy(() -> Gfp.parse("GFP_KERNEL|thisnode"))
                    .hasMessageContaining("did you mean __GFP_THISNODE?");
            assertThatThrownBy(() -> Gfp.parse("GFP_HIGHUSER_MOV"))
                    .hasMessageContaining("did you mean GFP_HIGHUSER_MOVABLE?");
            assertThatThrownBy(() -> Gfp.parse("GFP_KERNAL"))
                    .hasMessageContaining("did you mean GFP_KERNEL?");
            assertThatThrownBy(() -> Gfp.parse("NONE"))
                    .hasMessageContaining("did you mean none?");
        }

        @Test
        void a_token_far_from_every_name_gets_no_suggestion() {
            assertThatThrownBy(() -> Gfp.parse("GFP_KERNEL|banana"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("unknown GFP flag 'banana' in 'GFP_KERNEL|banana'");
        }

        @ParameterizedTest(name = "''{0}''")
        @ValueSource(strings = {"", "   ", "GFP_KERNEL||__GFP_ZERO", "GFP_KERNEL|", "|GFP_KERNEL"})
        void blank_text_or_empty_token_is_rejected(String text) {
            assertThatThrownBy(() -> Gfp.parse(text)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void null_text_is_rejected() {
            assertThatThrownBy(() -> Gfp.parse(null)).isInstanceOf(IllegalArgumentException.class);
        }

        @ParameterizedTest(name = "''{0}''")
        @ValueSource(strings = {"0x", "0xg1", "-1", "12a", "NONE", "0x1_0"})
        void malformed_numbers_are_unknown_tokens(String tok) {
            assertThatThrownBy(() -> Gfp.parse(tok))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("unknown GFP flag '" + tok + "'");
        }

        @Test
        void numbers_wider_than_32_bits_are_rejected() {
            assertThatThrownBy(() -> Gfp.parse("0x100000000"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("32 bits");
            assertThatThrownBy(() -> Gfp.parse("4294967296"))
                    .hasMessageContaining("32 bits");
            assertThat(Gfp.parse("4294967295")).isEqualTo(Gfp.of(-1));
        }
    }
}
