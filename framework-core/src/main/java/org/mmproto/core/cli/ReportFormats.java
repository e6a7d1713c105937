package org.mmproto.core.cli;

import org.mmproto.core.report.Reporter;
import org.mmproto.core.report.Reporters;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --format NAME} of {@code run} and {@code compare}: a reporter of {@link Reporters#builtIn()}. */
final class ReportFormats {
    private ReportFormats() {
    }

    /** {@code run --format}. */
    static final class ForRun implements ITypeConverter<Reporter> {
        @Override
        public Reporter convert(String name) {
            try {
                return Reporters.builtIn().forRun(name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code compare --format}. */
    static final class ForComparison implements ITypeConverter<Reporter> {
        @Override
        public Reporter convert(String name) {
            try {
                return Reporters.builtIn().forComparison(name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
