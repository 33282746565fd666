# Sourced by backup.sh and restore.sh: DATABASE_URL and RISORSA_VAR_DIR from the environment or,
# when absent (or --env-file was given), from the environment file, read and never executed.
# Expects: $script (the caller's name), $env_file, $env_file_given. Sets: DATABASE_URL, var_dir.

# One KEY=value from an environment file (systemd/podman syntax), without running the file.
env_value() {
    local key=$1 file=$2 line
    line=$(grep -E "^[[:space:]]*${key}=" "$file" | tail -n 1) || return 0
    line=${line#*=}
    line=${line%\"}; line=${line#\"}
    printf '%s' "$line"
}
if [ "$env_file_given" = 1 ] || [ -z "${DATABASE_URL:-}" ]; then
    if [ -r "$env_file" ]; then
        DATABASE_URL=${DATABASE_URL:-$(env_value DATABASE_URL "$env_file")}
        RISORSA_VAR_DIR=${RISORSA_VAR_DIR:-$(env_value RISORSA_VAR_DIR "$env_file")}
    elif [ "$env_file_given" = 1 ]; then
        echo "$script: cannot read $env_file" >&2
        exit 2
    fi
fi
: "${DATABASE_URL:?$script: DATABASE_URL is not set (nor in $env_file)}"
case "$DATABASE_URL" in
postgres://* | postgresql://*) ;;
*) echo "$script: DATABASE_URL is not PostgreSQL (postgres://...)" >&2; exit 2 ;;
esac
var_dir=${RISORSA_VAR_DIR:-/var/lib/risorsa}
