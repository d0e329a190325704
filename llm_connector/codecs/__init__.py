"""Pure protocol codecs: request builders and stream decoders, one module per protocol."""
