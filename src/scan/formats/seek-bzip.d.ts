// Types for the part of seek-bzip (pure-JS bzip2 decoder) that the scanner uses.
declare module "seek-bzip" {
  interface InputStream {
    readByte(): number;
    /** Bytes read into `buffer`, or -1 at the end. */
    read(buffer: Uint8Array, offset: number, length: number): number;
    seek(position: number): void;
    eof(): boolean;
  }
  interface OutputStream {
    writeByte(byte: number): void;
  }
  const Bunzip: {
    decode(input: InputStream, output: OutputStream, multistream?: boolean): void;
  };
  export default Bunzip;
}
