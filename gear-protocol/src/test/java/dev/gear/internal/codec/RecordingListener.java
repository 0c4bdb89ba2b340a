package dev.gear.internal.codec;

import dev.gear.Packet;
import java.util.ArrayList;
import java.util.List;

/** Collects decoded frames as comparable strings, in order. */
final class RecordingListener implements DecodeListener {
    final List<Object> frames = new ArrayList<>();
    final List<DecodeError> errors = new ArrayList<>();

    @Override
    public void onPacket(Packet packet) {
        frames.add(packet);
    }

    @Override
    public void onLine(String line) {
        frames.add("line:" + line);
    }

    @Override
    public void onError(DecodeError error) {
        errors.add(error);
        frames.add("error:" + error.code());
    }
}
