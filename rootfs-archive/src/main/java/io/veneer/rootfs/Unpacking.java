package io.veneer.rootfs;

import io.veneer.rootfs.Refusal.Reason;
import io.veneer.rootfs.UnpackedTree.Directory;
import io.veneer.rootfs.UnpackedTree.Node;
import io.veneer.rootfs.UnpackedTree.RegularFile;
import io.veneer.rootfs.UnpackedTree.SkippedDevice;
import io.veneer.rootfs.UnpackedTree.Symlink;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * One archive into one empty target. Everything is created owner-only and gets its archive mode and
 * time only at the end, deepest first: a half-unpacked tree is never usable by anyone else, and a
 * read-only directory early in the archive does not stop its own children.
 */
final class Unpacking {

  static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  /**
   * Directories the archive implies (a file's parent with no entry of its own), as tar makes them.
   */
  private static final int IMPLIED_DIRECTORY_MODE = 0755;

  /**
   * Bytes one entry's headers may take (GNU long names, PAX records such as xattrs): the tar reader
   * holds them in memory whole, so they get a budget of their own, far above any real one.
   */
  static final int MAX_HEADER_BYTES = 1 << 20;

  private static final int SETUID_OR_SETGID = 06000;
  private static final int BUFFER = 64 << 10;

  /** An entry's final mode and modification time (null: leave it). */
  private record Finish(int mode, FileTime modified) {}

  private final Path target;
  private final UnpackPolicy policy;
  private final UnpackLimits limits;
  private final UnpackedTree tree = new UnpackedTree();
  private final Map<EntryPath, Finish> finishes = new HashMap<>();
  private final List<String> skippedDevices = new ArrayList<>();
  private String current = "";
  private int entries;
  private int directories;
  private int files;
  private int symlinks;
  private int hardLinks;
  private long bytes;

  /**
   * @param targetIsNew whether this run made the target, and so gives it a root directory's mode
   *     unless the archive names one
   */
  Unpacking(Path target, UnpackPolicy policy, boolean targetIsNew) {
    this.target = target;
    this.policy = policy;
    this.limits = policy.limits();
    if (targetIsNew) {
      finishes.put(EntryPath.ROOT, new Finish(IMPLIED_DIRECTORY_MODE, null));
    }
  }

  UnpackSummary run(InputStream archive) throws IOException, RefusedException {
    BoundedInput bounded = new BoundedInput(decompressed(archive), limits.maxArchiveBytes());
    try (TarArchiveInputStream tar = new TarArchiveInputStream(bounded)) {
      for (TarArchiveEntry entry = next(tar, bounded); entry != null; entry = next(tar, bounded)) {
        current = entry.getName();
        if (++entries > limits.maxEntries()) {
          throw refused(
              Reason.TOO_MANY_ENTRIES,
              "the archive has more than " + limits.maxEntries() + " entries");
        }
        add(entry, tar);
      }
    }
    checkEveryLink();
    finish();
    return new UnpackSummary(
        entries, directories, files, symlinks, hardLinks, bytes, skippedDevices);
  }

  private InputStream decompressed(InputStream archive) throws RefusedException {
    try {
      BufferedInputStream buffered = new BufferedInputStream(archive, BUFFER);
      buffered.mark(2);
      boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
      buffered.reset();
      return gzip ? new GZIPInputStream(buffered, BUFFER) : buffered;
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private TarArchiveEntry next(TarArchiveInputStream tar, BoundedInput bounded)
      throws RefusedException {
    bounded.openWindow(MAX_HEADER_BYTES);
    try {
      return tar.getNextEntry();
    } catch (IOException e) {
      throw unreadable(e);
    } finally {
      bounded.closeWindow();
    }
  }

  private RefusedException unreadable(IOException e) {
    BoundedInput.LimitExceeded exceeded = BoundedInput.find(e);
    if (exceeded != null && exceeded.inWindow()) {
      return refused(
          Reason.HEADER_TOO_LARGE,
          (current.isEmpty() ? "the first entry" : "the entry after it")
              + " has headers (long name, PAX records) over "
              + MAX_HEADER_BYTES
              + " bytes");
    }
    if (exceeded != null) {
      return refused(
          Reason.ARCHIVE_TOO_LARGE,
          "the uncompressed archive is larger than " + limits.maxArchiveBytes() + " bytes");
    }
    return refused(
        Reason.MALFORMED_ARCHIVE,
        "the archive cannot be read as a tar or gzip-compressed tar (" + e.getMessage() + ")");
  }

  private RefusedException refused(Reason reason, String detail) {
    return new RefusedException(reason, current, detail);
  }

  private void add(TarArchiveEntry entry, InputStream data) throws IOException, RefusedException {
    EntryPath path = EntryPath.parse(entry.getName(), current);
    if (path.isRoot()) {
      if (!entry.isDirectory()) {
        throw refused(Reason.UNSUPPORTED_TYPE, "only a directory can name the root");
      }
      finishes.put(path, finishOf(entry));
      return;
    }
    if ((entry.isDirectory() || !isRegular(entry.getLinkFlag())) && entry.getSize() != 0) {
      throw refused(
          Reason.MALFORMED_ARCHIVE,
          "an entry of tar type "
              + (char) entry.getLinkFlag()
              + " carries "
              + entry.getSize()
              + " bytes of data");
    }
    if (entry.isSymbolicLink()) {
      addSymlink(path, entry.getLinkName());
    } else if (entry.isLink()) {
      addHardLink(path, entry.getLinkName());
    } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
      addDevice(path, entry);
    } else if (entry.isDirectory()) {
      addDirectory(path, entry);
    } else if (entry.isFIFO()) {
      throw refused(Reason.UNSUPPORTED_TYPE, "a FIFO; the desktop's /run and /tmp make their own");
    } else if (entry.isSparse()) {
      throw refused(Reason.UNSUPPORTED_TYPE, "a sparse file; archive it without --sparse");
    } else if (isRegular(entry.getLinkFlag())) {
      addFile(path, entry, data);
    } else {
      throw refused(
          Reason.UNSUPPORTED_TYPE,
          "tar type flag " + (char) entry.getLinkFlag() + " is not supported");
    }
  }

  private static boolean isRegular(byte flag) {
    return flag == TarConstants.LF_NORMAL
        || flag == TarConstants.LF_OLDNORM
        || flag == TarConstants.LF_CONTIG;
  }

  private void addDirectory(EntryPath path, TarArchiveEntry entry)
      throws IOException, RefusedException {
    makeParents(path);
    if (tree.at(path).orElse(null) instanceof Directory) {
      finishes.put(
          path, finishOf(entry)); // tar's rule: a directory named twice takes the last mode
      return;
    }
    refuseExisting(path);
    Files.createDirectory(path.in(target), OWNER_ONLY_DIRECTORY);
    tree.put(path, new Directory());
    finishes.put(path, finishOf(entry));
    directories++;
  }

  private void addFile(EntryPath path, TarArchiveEntry entry, InputStream data)
      throws IOException, RefusedException {
    Finish finish = finishOf(entry);
    if ((finish.mode() & SETUID_OR_SETGID) != 0 && !policy.allowSetuid()) {
      throw refused(
          Reason.SETUID,
          String.format(
              "mode %04o sets setuid or setgid, which this policy does not allow", finish.mode()));
    }
    long size = entry.getSize();
    if (size > limits.maxEntryBytes()) {
      throw refused(
          Reason.ENTRY_TOO_LARGE,
          size + " bytes exceed the limit of one entry (" + limits.maxEntryBytes() + " bytes)");
    }
    if (bytes + size > limits.maxTotalBytes()) {
      throw refused(
          Reason.TOTAL_TOO_LARGE,
          "the files would exceed the total limit of " + limits.maxTotalBytes() + " bytes");
    }
    makeParents(path);
    refuseExisting(path);
    try (OutputStream out =
        Channels.newOutputStream(
            Files.newByteChannel(
                path.in(target),
                Set.<OpenOption>of(
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS),
                OWNER_ONLY_FILE))) {
      bytes += copy(data, out, size);
    }
    tree.put(path, new RegularFile());
    finishes.put(path, finish);
    files++;
  }

  /** Copies the entry's data; the tar reader ends it at its declared size, checked again here. */
  private long copy(InputStream data, OutputStream out, long size)
      throws IOException, RefusedException {
    byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(size, 1))];
    long written = 0;
    while (true) {
      int n;
      try {
        n = data.read(buffer);
      } catch (IOException e) {
        throw unreadable(e);
      }
      if (n < 0) {
        return written;
      }
      written += n;
      if (written > size) {
        throw refused(Reason.MALFORMED_ARCHIVE, "more data than its declared " + size + " bytes");
      }
      out.write(buffer, 0, n);
    }
  }

  private void addSymlink(EntryPath path, String linkTarget) throws IOException, RefusedException {
    if (linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0) {
      throw refused(Reason.MALFORMED_NAME, "a symbolic link needs a target");
    }
    if (linkTarget.getBytes(StandardCharsets.UTF_8).length >= EntryPath.MAX_NAME_BYTES) {
      throw refused(
          Reason.MALFORMED_NAME,
          "a symbolic link target of " + EntryPath.MAX_NAME_BYTES + " bytes or more");
    }
    makeParents(path);
    refuseExisting(path);
    refuseEscape(path, linkTarget);
    Files.createSymbolicLink(path.in(target), Path.of(linkTarget));
    tree.put(path, new Symlink(linkTarget));
    symlinks++;
  }

  private void refuseEscape(EntryPath path, String linkTarget) throws RefusedException {
    String shown = "'" + Refusal.printable(linkTarget) + "'";
    switch (tree.resolve(path, linkTarget)) {
      case INSIDE -> {}
      case ABOVE_ROOT ->
          throw new RefusedException(
              Reason.SYMLINK_ESCAPES,
              path.toString(),
              "it points at " + shown + ", above the root");
      case TOO_MANY_LINKS ->
          throw new RefusedException(
              Reason.SYMLINK_ESCAPES,
              path.toString(),
              "it points at " + shown + " through a loop of symbolic links");
    }
  }

  private void addHardLink(EntryPath path, String linkName) throws IOException, RefusedException {
    EntryPath existing;
    try {
      existing = EntryPath.parse(linkName, current);
    } catch (RefusedException e) {
      throw refused(Reason.HARD_LINK_ESCAPES, "its target " + e.refusal().detail());
    }
    if (!(tree.at(existing).orElse(null) instanceof RegularFile)) {
      throw refused(
          Reason.HARD_LINK_ESCAPES,
          "it links to '"
              + Refusal.printable(linkName)
              + "', which is not a regular file earlier in the archive");
    }
    makeParents(path);
    refuseExisting(path);
    Files.createLink(path.in(target), existing.in(target));
    tree.put(path, new RegularFile());
    hardLinks++;
  }

  private void addDevice(EntryPath path, TarArchiveEntry entry)
      throws IOException, RefusedException {
    DeviceNode device =
        entry.isBlockDevice()
            ? DeviceNode.block(entry.getDevMajor(), entry.getDevMinor())
            : DeviceNode.character(entry.getDevMajor(), entry.getDevMinor());
    if (!policy.allowedDevices().contains(device)) {
      throw refused(Reason.DEVICE_NODE, "device node " + device + " is not on the allow-list");
    }
    makeParents(path);
    refuseExisting(path);
    tree.put(path, new SkippedDevice());
    skippedDevices.add(path + " (" + device + ")");
  }

  /** Makes the directories an entry's name implies; refuses a name through a link or a file. */
  private void makeParents(EntryPath path) throws IOException, RefusedException {
    for (EntryPath ancestor : path.ancestors()) {
      Node node = tree.at(ancestor).orElse(null);
      switch (node) {
        case null -> {
          Files.createDirectory(ancestor.in(target), OWNER_ONLY_DIRECTORY);
          tree.put(ancestor, new Directory());
          finishes.put(ancestor, new Finish(IMPLIED_DIRECTORY_MODE, null));
          directories++;
        }
        case Directory d -> {}
        case Symlink s ->
            throw refused(
                Reason.THROUGH_SYMLINK,
                "its path passes through the symbolic link '"
                    + Refusal.printable(ancestor.toString())
                    + "'");
        case RegularFile f -> throw notADirectory(ancestor);
        case SkippedDevice s -> throw notADirectory(ancestor);
      }
    }
  }

  private RefusedException notADirectory(EntryPath ancestor) {
    return refused(
        Reason.PARENT_NOT_A_DIRECTORY,
        "'" + Refusal.printable(ancestor.toString()) + "' is not a directory");
  }

  private void refuseExisting(EntryPath path) throws RefusedException {
    if (tree.at(path).isPresent()) {
      throw refused(
          Reason.DUPLICATE_ENTRY,
          "an earlier entry has the same path; entries may not replace others");
    }
  }

  /** A link made early may escape through one made later, so every link is followed again. */
  private void checkEveryLink() throws RefusedException {
    List<Map.Entry<EntryPath, Symlink>> links = new ArrayList<>(tree.symlinks().entrySet());
    links.sort(Comparator.comparing(link -> link.getKey().toString()));
    for (Map.Entry<EntryPath, Symlink> link : links) {
      refuseEscape(link.getKey(), link.getValue().target());
    }
  }

  /** Archive modes and times, deepest first, so no directory is closed before its children. */
  private void finish() throws IOException {
    List<Map.Entry<EntryPath, Finish>> pending = new ArrayList<>(finishes.entrySet());
    pending.sort(
        Comparator.comparingInt((Map.Entry<EntryPath, Finish> e) -> e.getKey().depth()).reversed());
    for (Map.Entry<EntryPath, Finish> each : pending) {
      Path path = each.getKey().in(target);
      Finish finish = each.getValue();
      Files.setAttribute(path, "unix:mode", finish.mode(), LinkOption.NOFOLLOW_LINKS);
      if (finish.modified() != null) {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(finish.modified(), null, null);
      }
    }
  }

  private static Finish finishOf(TarArchiveEntry entry) {
    return new Finish(entry.getMode() & 07777, entry.getLastModifiedTime());
  }
}
