package io.veneer.images.api.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.veneer.api.v1.ImportOvaRequest;
import io.veneer.api.v1.ImportOvaResponse;
import io.veneer.images.ova.OvaImporter;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ImportOva} call: the client's pieces become the {@link InputStream} that {@link
 * OvaImporter} reads, as REST's request body is, so both protocols share every check. The import
 * runs on a virtual thread of its own; a piece is asked of the client only when the importer has
 * taken the one before (flow control), so at most two pieces are held. A refusal answers at once,
 * however much of the archive is still to come; a client that goes away makes the importer's read
 * fail, which keeps nothing.
 */
final class OvaImportStream implements StreamObserver<ImportOvaRequest> {

  private static final Logger log = LoggerFactory.getLogger(OvaImportStream.class);

  /** What the importer reads next. */
  private sealed interface Piece {
    record Data(ByteString bytes) implements Piece {}

    record End() implements Piece {}

    record ClientGone() implements Piece {}
  }

  private final OvaImporter importer;
  private final ServerCallStreamObserver<ImportOvaResponse> response;
  private final BlockingQueue<Piece> pieces = new LinkedBlockingQueue<>();
  private boolean started;
  private boolean answered;

  private OvaImportStream(
      OvaImporter importer, ServerCallStreamObserver<ImportOvaResponse> response) {
    this.importer = importer;
    this.response = response;
  }

  /** Takes over the call: from now on pieces arrive only as they are asked for. */
  static OvaImportStream open(OvaImporter importer, StreamObserver<ImportOvaResponse> response) {
    var call = (ServerCallStreamObserver<ImportOvaResponse>) response;
    call.disableAutoRequest();
    OvaImportStream stream = new OvaImportStream(importer, call);
    // Also lets the import answer a cancelled call without an exception (the answer is dropped).
    call.setOnCancelHandler(() -> stream.pieces.add(new Piece.ClientGone()));
    call.request(1);
    return stream;
  }

  @Override
  public void onNext(ImportOvaRequest request) {
    if (isAnswered()) {
      return;
    }
    if (!started) {
      if (!request.hasHeader()) {
        refuse("The first message of ImportOva is the header; the archive's bytes follow it");
        return;
      }
      started = true;
      String name = request.getHeader().getName();
      Thread.ofVirtual().name("ova-import").start(() -> run(name));
      response.request(1);
      return;
    }
    if (!request.hasData()) {
      refuse("After the header, every message of ImportOva carries the archive's next bytes");
    } else if (request.getData().size() > ImageGrpcService.MAX_PIECE_BYTES) {
      refuse(
          "A piece holds at most "
              + ImageGrpcService.MAX_PIECE_BYTES
              + " bytes; send smaller pieces");
    } else {
      pieces.add(new Piece.Data(request.getData()));
    }
  }

  @Override
  public void onError(Throwable t) {
    pieces.add(new Piece.ClientGone());
  }

  @Override
  public void onCompleted() {
    if (!started) {
      refuse("The stream sent no header and no archive");
      return;
    }
    pieces.add(new Piece.End());
  }

  private void run(String name) {
    try (InputStream archive = new PiecesInputStream()) {
      OvaImporter.Imported imported = importer.importOva(archive, name);
      answer(
          ImportOvaResponse.newBuilder()
              .setImage(ImageGrpcService.image(imported.image()))
              .setVersion(ImageGrpcService.version(imported.version()))
              .build());
    } catch (ClientGoneException e) {
      log.info("event=ova-import-abandoned reason=\"the client went away\"");
    } catch (IOException e) {
      fail(
          Status.UNAVAILABLE
              .withDescription("The OVA could not be stored; send it again: " + e.getMessage())
              .asRuntimeException());
    } catch (RuntimeException e) {
      fail(ImageGrpcService.status(e));
    }
  }

  private void refuse(String reason) {
    fail(Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException());
    // The importer, if running, stops reading; what it wrote so far is deleted.
    pieces.add(new Piece.ClientGone());
  }

  private synchronized boolean isAnswered() {
    return answered;
  }

  private synchronized void answer(ImportOvaResponse imported) {
    if (!answered) {
      answered = true;
      response.onNext(imported);
      response.onCompleted();
    }
  }

  private synchronized void fail(StatusRuntimeException status) {
    if (!answered) {
      answered = true;
      response.onError(status);
    }
  }

  /** The import was cut off: by the client, or by a refusal of the stream itself. */
  private static final class ClientGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    ClientGoneException() {
      super("the client went away before the archive ended");
    }
  }

  /** The pieces in order, asking the client for the next one as each is taken. */
  private final class PiecesInputStream extends InputStream {

    private InputStream current = InputStream.nullInputStream();
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (!ended) {
        int n = current.read(buffer, offset, length);
        if (n > 0) {
          return n;
        }
        next();
      }
      return -1;
    }

    private void next() throws IOException {
      Piece piece;
      try {
        piece = pieces.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClientGoneException();
      }
      switch (piece) {
        case Piece.Data data -> {
          current = data.bytes().newInput();
          response.request(1);
        }
        case Piece.End end -> ended = true;
        case Piece.ClientGone gone -> throw new ClientGoneException();
      }
    }
  }
}
