package org.mmproto.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a UTF-8 text file within {@link InputLimits}: a regular file, at most
 * {@code maxBytes} long (never more is read, so /dev/zero-like files cannot hang it), strict UTF-8
 * (an invalid byte is reported with its byte offset, line and column), lines bounded.
 */
public final class TextFiles {
    private TextFiles() {
    }

    public static String read(Path file, InputLimits limits) {
        String name = file.toString();
        if (!Files.exists(file)) {
            throw new ConfigException(name, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new ConfigException(name, "is a directory; expected a text file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(name, "is not a regular file (a device, pipe or socket);"
                    + " expected a text file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(limits.maxBytes() + 1);
        } catch (AccessDeniedException e) {
            throw new ConfigException(name, "cannot read: permission denied");
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, "no such file");
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read: " + e);
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ConfigException(name, "the file is larger than " + limits.maxBytes()
                    + " bytes (" + Sizes.format(limits.maxBytes()) + "), the limit for an input"
                    + " file");
        }
        String text = decode(bytes, name);
        limits.checkText(text, name);
        return text;
    }

    /** Strict UTF-8: the first malformed or unmappable byte is an error at its offset. */
    static String decode(byte[] bytes, String name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw invalidByte(bytes, in.position(), name);
        }
        r = decoder.flush(out);
        if (r.isError()) {
            throw invalidByte(bytes, in.position(), name);
        }
        return out.flip().toString();
    }

    private static ConfigException invalidByte(byte[] bytes, int offset, String name) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = offset - lineStart + 1;
        String b = offset < bytes.length ? String.format("0x%02x", bytes[offset] & 0xff) : "end of file";
        return new ConfigException(name, line, column, "not UTF-8 text: invalid byte " + b
                + " at byte offset " + offset + " (line " + line + ", byte " + column
                + " of the line); expected a UTF-8 text file");
    }
}
