# The Debian packages the real container runtime needs (see docs in ../shared/docs/runtime-recipe.md):
# containerd with its CRI plugin, runc, the standard CNI plugins, a loopback registry, and
# busybox-static plus gcc/libc6-dev (the static pause and nc/curl/wget) for the locally built images; nftables/iproute2 for the
# node's routing policy and service proxy.
SKIFF_RUNTIME_PACKAGES="containerd runc containernetworking-plugins docker-registry busybox-static nftables iproute2 iptables gcc libc6-dev"
