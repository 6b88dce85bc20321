package io.veneer.agent.hypervisor.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs one container desktop. {@code setsid} gives it a session of its own (it
 * outlives the agent); {@code unshare --mount} a private mount namespace where a small shell joins
 * the desktop's cgroups, mounts the overlay (and the user-data disk) and executes bubblewrap, which
 * makes the desktop's namespaces with that overlay as their root and runs the session as uid 1000.
 * Every step replaces the one before ({@code exec}), so the launcher's pid is bubblewrap's.
 */
final class ContainerLaunch {

  /** Arguments: $1 the desktop's directory, $2 the lower directory, then the cgroups to join. */
  private static final String MOUNT_AND_RUN =
      """
      set -e
      dir="$1"; lower="$2"; shift 2
      for group in "$@"; do echo $$ > "$group/cgroup.procs"; done
      mount -t overlay overlay -o "nosuid,nodev,lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
      home=""
      if [ -f "$dir/userdata.ext4" ]; then
        mount -o loop,nosuid,nodev "$dir/userdata.ext4" "$dir/home"
        home="--bind $dir/home /home/user"
      fi
      exec bwrap --unshare-all --uid 1000 --gid 1000 --hostname "$(basename "$dir")" \
        --bind "$dir/root" / $home --proc /proc --dev /dev --tmpfs /tmp --tmpfs /run \
        --ro-bind "$dir/session.sh" /run/veneer/session \
        --new-session --die-with-parent --info-fd 3 \
        /bin/sh /run/veneer/session 3> "$dir/info.json"
      """;

  private ContainerLaunch() {}

  static List<String> command(String desktopId, Path dir, Path lower, List<Path> groups) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "setsid",
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                MOUNT_AND_RUN,
                "veneer-container-" + desktopId,
                dir.toString(),
                lower.toString()));
    groups.forEach(group -> command.add(group.toString()));
    return command;
  }
}
