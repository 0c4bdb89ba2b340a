package dev.gear.internal.tls;

import dev.gear.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code -----BEGIN X-----} blocks of a PEM file, decoded. */
final class PemFile {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);

    /** One block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...), its PEM text and its DER bytes. */
    record Block(String label, String pem, byte[] der) {
    }

    private final Path path;
    private final List<Block> blocks;

    private PemFile(Path path, List<Block> blocks) {
        this.path = path;
        this.blocks = blocks;
    }

    static PemFile read(Path path, String what) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the " + what + " file " + path + ": " + e, e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            if (body.contains(":")) {
                // Traditional encrypted keys carry "Proc-Type: 4,ENCRYPTED" headers inside the block.
                blocks.add(new Block(m.group(1) + " (with headers)", m.group(), new byte[0]));
                continue;
            }
            try {
                blocks.add(new Block(m.group(1), m.group(), Base64.getMimeDecoder().decode(body.trim())));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("the " + what + " file " + path + " has a " + m.group(1)
                        + " block that is not valid base64: " + e.getMessage(), e);
            }
        }
        if (blocks.isEmpty()) {
            throw new ConfigurationException("the " + what + " file " + path
                    + " contains no PEM block (expected lines like -----BEGIN ...-----)");
        }
        return new PemFile(path, blocks);
    }

    Path path() {
        return path;
    }

    List<Block> blocks() {
        return blocks;
    }

    List<Block> blocks(String label) {
        return blocks.stream().filter(b -> b.label().equals(label)).toList();
    }

    List<String> labels() {
        return blocks.stream().map(Block::label).distinct().toList();
    }
}
