// The protobuf schema of the kinds Skiff decodes from `application/vnd.kubernetes.protobuf` bodies.
//
// Wire facts (field numbers and types) follow upstream's generated.proto files of k8s.io/api and
// k8s.io/apimachinery as of v0.33 (Kubernetes 1.33; field numbers never change between releases, so
// this is a superset of what kubectl 1.32/1.33 send); JSON names and zero-value behaviour follow
// the Go types' json tags. Transcribed into this compact notation, one entry per message:
//
//   jsonName=number[:type][!]
//
//   type     s string (default) · b bool · i int32 · l int64 · d double · y bytes (JSON: base64)
//            T metav1.Time · MT metav1.MicroTime · D metav1.Duration · Q resource.Quantity
//            IS intstr.IntOrString · RE runtime.RawExtension · F metav1.FieldsV1
//            SL a message {repeated string items = 1} that JSON shows as a plain list (ExtraValue)
//            anything else: a message of this table
//   []T      repeated T
//   {}T      map<string, T> (entries {1 key, 2 value})
//   !        keep the zero value of a scalar: the Go field is a pointer, or its json tag lacks
//            omitempty, so JSON shows 0 / "" / false. Without it a zero scalar is dropped, as Go's
//            omitempty does (gogo-protobuf writes non-pointer scalars even when they are zero).
//   ...=n:M  M is embedded inline (`json:",inline"`): its fields land in the enclosing object.
//
// Messages whose short names collide across API groups carry a group prefix (events.Event).
// Status types are included because they are part of the closure; kubectl never sends them.

export const MESSAGES: Readonly<Record<string, string>> = {
  // apimachinery meta.v1
  DeleteOptions: `gracePeriodSeconds=1:l! preconditions=2:Preconditions orphanDependents=3:b! propagationPolicy=4!
                  dryRun=5:[]s ignoreStoreReadErrorWithClusterBreakingPotential=6:b!`,
  Preconditions: 'uid=1! resourceVersion=2!',
  ObjectMeta: `name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7:l
               creationTimestamp=8:T deletionTimestamp=9:T deletionGracePeriodSeconds=10:l! labels=11:{}s
               annotations=12:{}s ownerReferences=13:[]OwnerReference finalizers=14:[]s
               managedFields=17:[]ManagedFieldsEntry`,
  OwnerReference: 'apiVersion=5! kind=1! name=3! uid=4! controller=6:b! blockOwnerDeletion=7:b!',
  ManagedFieldsEntry: 'manager=1 operation=2 apiVersion=3 time=4:T fieldsType=6 fieldsV1=7:F subresource=8',
  LabelSelector: 'matchLabels=1:{}s matchExpressions=2:[]LabelSelectorRequirement',
  LabelSelectorRequirement: 'key=1! operator=2! values=3:[]s',
  Condition: 'type=1! status=2! observedGeneration=3:l lastTransitionTime=4:T reason=5! message=6!',
  FieldSelectorRequirement: 'key=1! operator=2! values=3:[]s',
  // core.v1
  Pod: 'metadata=1:ObjectMeta spec=2:PodSpec status=3:PodStatus',
  PodSpec: `volumes=1:[]Volume initContainers=20:[]Container containers=2:[]Container
            ephemeralContainers=34:[]EphemeralContainer restartPolicy=3 terminationGracePeriodSeconds=4:l!
            activeDeadlineSeconds=5:l! dnsPolicy=6 nodeSelector=7:{}s serviceAccountName=8 serviceAccount=9
            automountServiceAccountToken=21:b! nodeName=10 hostNetwork=11:b hostPID=12:b hostIPC=13:b
            shareProcessNamespace=27:b! securityContext=14:PodSecurityContext
            imagePullSecrets=15:[]LocalObjectReference hostname=16 subdomain=17 affinity=18:Affinity schedulerName=19
            tolerations=22:[]Toleration hostAliases=23:[]HostAlias priorityClassName=24 priority=25:i!
            dnsConfig=26:PodDNSConfig readinessGates=28:[]PodReadinessGate runtimeClassName=29!
            enableServiceLinks=30:b! preemptionPolicy=31! overhead=32:{}Q
            topologySpreadConstraints=33:[]TopologySpreadConstraint setHostnameAsFQDN=35:b! os=36:PodOS
            hostUsers=37:b! schedulingGates=38:[]PodSchedulingGate resourceClaims=39:[]PodResourceClaim
            resources=40:ResourceRequirements`,
  Volume: 'name=1! ...=2:VolumeSource',
  VolumeSource: `hostPath=1:HostPathVolumeSource emptyDir=2:EmptyDirVolumeSource
                 gcePersistentDisk=3:GCEPersistentDiskVolumeSource
                 awsElasticBlockStore=4:AWSElasticBlockStoreVolumeSource gitRepo=5:GitRepoVolumeSource
                 secret=6:SecretVolumeSource nfs=7:NFSVolumeSource iscsi=8:ISCSIVolumeSource
                 glusterfs=9:GlusterfsVolumeSource persistentVolumeClaim=10:PersistentVolumeClaimVolumeSource
                 rbd=11:RBDVolumeSource flexVolume=12:FlexVolumeSource cinder=13:CinderVolumeSource
                 cephfs=14:CephFSVolumeSource flocker=15:FlockerVolumeSource downwardAPI=16:DownwardAPIVolumeSource
                 fc=17:FCVolumeSource azureFile=18:AzureFileVolumeSource configMap=19:ConfigMapVolumeSource
                 vsphereVolume=20:VsphereVirtualDiskVolumeSource quobyte=21:QuobyteVolumeSource
                 azureDisk=22:AzureDiskVolumeSource photonPersistentDisk=23:PhotonPersistentDiskVolumeSource
                 projected=26:ProjectedVolumeSource portworxVolume=24:PortworxVolumeSource
                 scaleIO=25:ScaleIOVolumeSource storageos=27:StorageOSVolumeSource csi=28:CSIVolumeSource
                 ephemeral=29:EphemeralVolumeSource image=30:ImageVolumeSource`,
  HostPathVolumeSource: 'path=1! type=2!',
  EmptyDirVolumeSource: 'medium=1 sizeLimit=2:Q',
  GCEPersistentDiskVolumeSource: 'pdName=1! fsType=2 partition=3:i readOnly=4:b',
  AWSElasticBlockStoreVolumeSource: 'volumeID=1! fsType=2 partition=3:i readOnly=4:b',
  GitRepoVolumeSource: 'repository=1! revision=2 directory=3',
  SecretVolumeSource: 'secretName=1 items=2:[]KeyToPath defaultMode=3:i! optional=4:b!',
  KeyToPath: 'key=1! path=2! mode=3:i!',
  NFSVolumeSource: 'server=1! path=2! readOnly=3:b',
  ISCSIVolumeSource: `targetPortal=1! iqn=2! lun=3:i! iscsiInterface=4 fsType=5 readOnly=6:b portals=7:[]s
                      chapAuthDiscovery=8:b chapAuthSession=11:b secretRef=10:LocalObjectReference initiatorName=12!`,
  LocalObjectReference: 'name=1',
  GlusterfsVolumeSource: 'endpoints=1! path=2! readOnly=3:b',
  PersistentVolumeClaimVolumeSource: 'claimName=1! readOnly=2:b',
  RBDVolumeSource: `monitors=1:[]s image=2! fsType=3 pool=4 user=5 keyring=6 secretRef=7:LocalObjectReference
                    readOnly=8:b`,
  FlexVolumeSource: 'driver=1! fsType=2 secretRef=3:LocalObjectReference readOnly=4:b options=5:{}s',
  CinderVolumeSource: 'volumeID=1! fsType=2 readOnly=3:b secretRef=4:LocalObjectReference',
  CephFSVolumeSource: 'monitors=1:[]s path=2 user=3 secretFile=4 secretRef=5:LocalObjectReference readOnly=6:b',
  FlockerVolumeSource: 'datasetName=1 datasetUUID=2',
  DownwardAPIVolumeSource: 'items=1:[]DownwardAPIVolumeFile defaultMode=2:i!',
  DownwardAPIVolumeFile: 'path=1! fieldRef=2:ObjectFieldSelector resourceFieldRef=3:ResourceFieldSelector mode=4:i!',
  ObjectFieldSelector: 'apiVersion=1 fieldPath=2!',
  ResourceFieldSelector: 'containerName=1 resource=2! divisor=3:Q',
  FCVolumeSource: 'targetWWNs=1:[]s lun=2:i! fsType=3 readOnly=4:b wwids=5:[]s',
  AzureFileVolumeSource: 'secretName=1! shareName=2! readOnly=3:b',
  ConfigMapVolumeSource: '...=1:LocalObjectReference items=2:[]KeyToPath defaultMode=3:i! optional=4:b!',
  VsphereVirtualDiskVolumeSource: 'volumePath=1! fsType=2 storagePolicyName=3 storagePolicyID=4',
  QuobyteVolumeSource: 'registry=1! volume=2! readOnly=3:b user=4 group=5 tenant=6',
  AzureDiskVolumeSource: 'diskName=1! diskURI=2! cachingMode=3! fsType=4! readOnly=5:b! kind=6!',
  PhotonPersistentDiskVolumeSource: 'pdID=1! fsType=2',
  ProjectedVolumeSource: 'sources=1:[]VolumeProjection defaultMode=2:i!',
  VolumeProjection: `secret=1:SecretProjection downwardAPI=2:DownwardAPIProjection configMap=3:ConfigMapProjection
                     serviceAccountToken=4:ServiceAccountTokenProjection
                     clusterTrustBundle=5:ClusterTrustBundleProjection`,
  SecretProjection: '...=1:LocalObjectReference items=2:[]KeyToPath optional=4:b!',
  DownwardAPIProjection: 'items=1:[]DownwardAPIVolumeFile',
  ConfigMapProjection: '...=1:LocalObjectReference items=2:[]KeyToPath optional=4:b!',
  ServiceAccountTokenProjection: 'audience=1 expirationSeconds=2:l! path=3!',
  ClusterTrustBundleProjection: 'name=1! signerName=2! labelSelector=3:LabelSelector optional=5:b! path=4!',
  PortworxVolumeSource: 'volumeID=1! fsType=2 readOnly=3:b',
  ScaleIOVolumeSource: `gateway=1! system=2! secretRef=3:LocalObjectReference sslEnabled=4:b protectionDomain=5
                        storagePool=6 storageMode=7 volumeName=8 fsType=9 readOnly=10:b`,
  StorageOSVolumeSource: 'volumeName=1 volumeNamespace=2 fsType=3 readOnly=4:b secretRef=5:LocalObjectReference',
  CSIVolumeSource: `driver=1! readOnly=2:b! fsType=3! volumeAttributes=4:{}s
                    nodePublishSecretRef=5:LocalObjectReference`,
  EphemeralVolumeSource: 'volumeClaimTemplate=1:PersistentVolumeClaimTemplate',
  PersistentVolumeClaimTemplate: 'metadata=1:ObjectMeta spec=2:PersistentVolumeClaimSpec',
  PersistentVolumeClaimSpec: `accessModes=1:[]s selector=4:LabelSelector resources=2:VolumeResourceRequirements
                              volumeName=3 storageClassName=5! volumeMode=6! dataSource=7:TypedLocalObjectReference
                              dataSourceRef=8:TypedObjectReference volumeAttributesClassName=9!`,
  VolumeResourceRequirements: 'limits=1:{}Q requests=2:{}Q',
  TypedLocalObjectReference: 'apiGroup=1! kind=2! name=3!',
  TypedObjectReference: 'apiGroup=1! kind=2! name=3! namespace=4!',
  ImageVolumeSource: 'reference=1 pullPolicy=2',
  Container: `name=1! image=2 command=3:[]s args=4:[]s workingDir=5 ports=6:[]ContainerPort envFrom=19:[]EnvFromSource
              env=7:[]EnvVar resources=8:ResourceRequirements resizePolicy=23:[]ContainerResizePolicy
              restartPolicy=24! volumeMounts=9:[]VolumeMount volumeDevices=21:[]VolumeDevice livenessProbe=10:Probe
              readinessProbe=11:Probe startupProbe=22:Probe lifecycle=12:Lifecycle terminationMessagePath=13
              terminationMessagePolicy=20 imagePullPolicy=14 securityContext=15:SecurityContext stdin=16:b
              stdinOnce=17:b tty=18:b`,
  ContainerPort: 'name=1 hostPort=2:i containerPort=3:i! protocol=4 hostIP=5',
  EnvFromSource: 'prefix=1 configMapRef=2:ConfigMapEnvSource secretRef=3:SecretEnvSource',
  ConfigMapEnvSource: '...=1:LocalObjectReference optional=2:b!',
  SecretEnvSource: '...=1:LocalObjectReference optional=2:b!',
  EnvVar: 'name=1! value=2 valueFrom=3:EnvVarSource',
  EnvVarSource: `fieldRef=1:ObjectFieldSelector resourceFieldRef=2:ResourceFieldSelector
                 configMapKeyRef=3:ConfigMapKeySelector secretKeyRef=4:SecretKeySelector`,
  ConfigMapKeySelector: '...=1:LocalObjectReference key=2! optional=3:b!',
  SecretKeySelector: '...=1:LocalObjectReference key=2! optional=3:b!',
  ResourceRequirements: 'limits=1:{}Q requests=2:{}Q claims=3:[]ResourceClaim',
  ResourceClaim: 'name=1! request=2',
  ContainerResizePolicy: 'resourceName=1! restartPolicy=2!',
  VolumeMount: 'name=1! readOnly=2:b recursiveReadOnly=7! mountPath=3! subPath=4 mountPropagation=5! subPathExpr=6',
  VolumeDevice: 'name=1! devicePath=2!',
  Probe: `...=1:ProbeHandler initialDelaySeconds=2:i timeoutSeconds=3:i periodSeconds=4:i successThreshold=5:i
          failureThreshold=6:i terminationGracePeriodSeconds=7:l!`,
  ProbeHandler: 'exec=1:ExecAction httpGet=2:HTTPGetAction tcpSocket=3:TCPSocketAction grpc=4:GRPCAction',
  ExecAction: 'command=1:[]s',
  HTTPGetAction: 'path=1 port=2:IS host=3 scheme=4 httpHeaders=5:[]HTTPHeader',
  HTTPHeader: 'name=1! value=2!',
  TCPSocketAction: 'port=1:IS host=2',
  GRPCAction: 'port=1:i! service=2!',
  Lifecycle: 'postStart=1:LifecycleHandler preStop=2:LifecycleHandler stopSignal=3!',
  LifecycleHandler: 'exec=1:ExecAction httpGet=2:HTTPGetAction tcpSocket=3:TCPSocketAction sleep=4:SleepAction',
  SleepAction: 'seconds=1:l!',
  SecurityContext: `capabilities=1:Capabilities privileged=2:b! seLinuxOptions=3:SELinuxOptions
                    windowsOptions=10:WindowsSecurityContextOptions runAsUser=4:l! runAsGroup=8:l! runAsNonRoot=5:b!
                    readOnlyRootFilesystem=6:b! allowPrivilegeEscalation=7:b! procMount=9!
                    seccompProfile=11:SeccompProfile appArmorProfile=12:AppArmorProfile`,
  Capabilities: 'add=1:[]s drop=2:[]s',
  SELinuxOptions: 'user=1 role=2 type=3 level=4',
  WindowsSecurityContextOptions: 'gmsaCredentialSpecName=1! gmsaCredentialSpec=2! runAsUserName=3! hostProcess=4:b!',
  SeccompProfile: 'type=1! localhostProfile=2!',
  AppArmorProfile: 'type=1! localhostProfile=2!',
  EphemeralContainer: '...=1:EphemeralContainerCommon targetContainerName=2',
  EphemeralContainerCommon: `name=1! image=2 command=3:[]s args=4:[]s workingDir=5 ports=6:[]ContainerPort
                             envFrom=19:[]EnvFromSource env=7:[]EnvVar resources=8:ResourceRequirements
                             resizePolicy=23:[]ContainerResizePolicy restartPolicy=24! volumeMounts=9:[]VolumeMount
                             volumeDevices=21:[]VolumeDevice livenessProbe=10:Probe readinessProbe=11:Probe
                             startupProbe=22:Probe lifecycle=12:Lifecycle terminationMessagePath=13
                             terminationMessagePolicy=20 imagePullPolicy=14 securityContext=15:SecurityContext
                             stdin=16:b stdinOnce=17:b tty=18:b`,
  PodSecurityContext: `seLinuxOptions=1:SELinuxOptions windowsOptions=8:WindowsSecurityContextOptions runAsUser=2:l!
                       runAsGroup=6:l! runAsNonRoot=3:b! supplementalGroups=4:[]l supplementalGroupsPolicy=12!
                       fsGroup=5:l! sysctls=7:[]Sysctl fsGroupChangePolicy=9! seccompProfile=10:SeccompProfile
                       appArmorProfile=11:AppArmorProfile seLinuxChangePolicy=13!`,
  Sysctl: 'name=1! value=2!',
  Affinity: 'nodeAffinity=1:NodeAffinity podAffinity=2:PodAffinity podAntiAffinity=3:PodAntiAffinity',
  NodeAffinity: `requiredDuringSchedulingIgnoredDuringExecution=1:NodeSelector
                 preferredDuringSchedulingIgnoredDuringExecution=2:[]PreferredSchedulingTerm`,
  NodeSelector: 'nodeSelectorTerms=1:[]NodeSelectorTerm',
  NodeSelectorTerm: 'matchExpressions=1:[]NodeSelectorRequirement matchFields=2:[]NodeSelectorRequirement',
  NodeSelectorRequirement: 'key=1! operator=2! values=3:[]s',
  PreferredSchedulingTerm: 'weight=1:i! preference=2:NodeSelectorTerm',
  PodAffinity: `requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm
                preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm`,
  PodAffinityTerm: `labelSelector=1:LabelSelector namespaces=2:[]s topologyKey=3! namespaceSelector=4:LabelSelector
                    matchLabelKeys=5:[]s mismatchLabelKeys=6:[]s`,
  WeightedPodAffinityTerm: 'weight=1:i! podAffinityTerm=2:PodAffinityTerm',
  PodAntiAffinity: `requiredDuringSchedulingIgnoredDuringExecution=1:[]PodAffinityTerm
                    preferredDuringSchedulingIgnoredDuringExecution=2:[]WeightedPodAffinityTerm`,
  Toleration: 'key=1 operator=2 value=3 effect=4 tolerationSeconds=5:l!',
  HostAlias: 'ip=1! hostnames=2:[]s',
  PodDNSConfig: 'nameservers=1:[]s searches=2:[]s options=3:[]PodDNSConfigOption',
  PodDNSConfigOption: 'name=1 value=2!',
  PodReadinessGate: 'conditionType=1!',
  TopologySpreadConstraint: `maxSkew=1:i! topologyKey=2! whenUnsatisfiable=3! labelSelector=4:LabelSelector
                             minDomains=5:i! nodeAffinityPolicy=6! nodeTaintsPolicy=7! matchLabelKeys=8:[]s`,
  PodOS: 'name=1!',
  PodSchedulingGate: 'name=1!',
  PodResourceClaim: 'name=1! resourceClaimName=3! resourceClaimTemplateName=4!',
  PodStatus: `observedGeneration=17:l phase=1 conditions=2:[]PodCondition message=3 reason=4 nominatedNodeName=11
              hostIP=5 hostIPs=16:[]HostIP podIP=6 podIPs=12:[]PodIP startTime=7:T
              initContainerStatuses=10:[]ContainerStatus containerStatuses=8:[]ContainerStatus qosClass=9
              ephemeralContainerStatuses=13:[]ContainerStatus resize=14
              resourceClaimStatuses=15:[]PodResourceClaimStatus`,
  PodCondition: `type=1! observedGeneration=7:l status=2! lastProbeTime=3:T lastTransitionTime=4:T reason=5 message=6`,
  HostIP: 'ip=1!',
  PodIP: 'ip=1!',
  ContainerStatus: `name=1! state=2:ContainerState lastState=3:ContainerState ready=4:b! restartCount=5:i! image=6!
                    imageID=7! containerID=8 started=9:b! allocatedResources=10:{}Q resources=11:ResourceRequirements
                    volumeMounts=12:[]VolumeMountStatus user=13:ContainerUser
                    allocatedResourcesStatus=14:[]ResourceStatus stopSignal=15!`,
  ContainerState: `waiting=1:ContainerStateWaiting running=2:ContainerStateRunning
                   terminated=3:ContainerStateTerminated`,
  ContainerStateWaiting: 'reason=1 message=2',
  ContainerStateRunning: 'startedAt=1:T',
  ContainerStateTerminated: 'exitCode=1:i! signal=2:i reason=3 message=4 startedAt=5:T finishedAt=6:T containerID=7',
  VolumeMountStatus: 'name=1! mountPath=2! readOnly=3:b recursiveReadOnly=4!',
  ContainerUser: 'linux=1:LinuxContainerUser',
  LinuxContainerUser: 'uid=1:l! gid=2:l! supplementalGroups=3:[]l',
  ResourceStatus: 'name=1! resources=2:[]ResourceHealth',
  ResourceHealth: 'resourceID=1! health=2',
  PodResourceClaimStatus: 'name=1! resourceClaimName=2!',
  PodTemplate: 'metadata=1:ObjectMeta template=2:PodTemplateSpec',
  PodTemplateSpec: 'metadata=1:ObjectMeta spec=2:PodSpec',
  ConfigMap: 'metadata=1:ObjectMeta immutable=4:b! data=2:{}s binaryData=3:{}y',
  Secret: 'metadata=1:ObjectMeta immutable=5:b! data=2:{}y stringData=4:{}s type=3',
  Namespace: 'metadata=1:ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
  NamespaceSpec: 'finalizers=1:[]s',
  NamespaceStatus: 'phase=1 conditions=2:[]NamespaceCondition',
  NamespaceCondition: 'type=1! status=2! lastTransitionTime=4:T reason=5 message=6',
  ServiceAccount: `metadata=1:ObjectMeta secrets=2:[]ObjectReference imagePullSecrets=3:[]LocalObjectReference
                   automountServiceAccountToken=4:b!`,
  ObjectReference: 'kind=1 namespace=2 name=3 uid=4 apiVersion=5 resourceVersion=6 fieldPath=7',
  Service: 'metadata=1:ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus',
  ServiceSpec: `ports=1:[]ServicePort selector=2:{}s clusterIP=3 clusterIPs=18:[]s type=4 externalIPs=5:[]s
                sessionAffinity=7 loadBalancerIP=8 loadBalancerSourceRanges=9:[]s externalName=10
                externalTrafficPolicy=11 healthCheckNodePort=12:i publishNotReadyAddresses=13:b
                sessionAffinityConfig=14:SessionAffinityConfig ipFamilies=19:[]s ipFamilyPolicy=17!
                allocateLoadBalancerNodePorts=20:b! loadBalancerClass=21! internalTrafficPolicy=22!
                trafficDistribution=23!`,
  ServicePort: 'name=1 protocol=2 appProtocol=6! port=3:i! targetPort=4:IS nodePort=5:i',
  SessionAffinityConfig: 'clientIP=1:ClientIPConfig',
  ClientIPConfig: 'timeoutSeconds=1:i!',
  ServiceStatus: 'loadBalancer=1:LoadBalancerStatus conditions=2:[]Condition',
  LoadBalancerStatus: 'ingress=1:[]LoadBalancerIngress',
  LoadBalancerIngress: 'ip=1 hostname=2 ipMode=3! ports=4:[]PortStatus',
  PortStatus: 'port=1:i! protocol=2! error=3!',
  Event: `metadata=1:ObjectMeta involvedObject=2:ObjectReference reason=3 message=4 source=5:EventSource
          firstTimestamp=6:T lastTimestamp=7:T count=8:i type=9 eventTime=10:MT series=11:EventSeries action=12
          related=13:ObjectReference reportingComponent=14! reportingInstance=15!`,
  EventSource: 'component=1 host=2',
  EventSeries: 'count=1:i lastObservedTime=2:MT',
  Endpoints: 'metadata=1:ObjectMeta subsets=2:[]EndpointSubset',
  EndpointSubset: 'addresses=1:[]EndpointAddress notReadyAddresses=2:[]EndpointAddress ports=3:[]EndpointPort',
  EndpointAddress: 'ip=1! hostname=3 nodeName=4! targetRef=2:ObjectReference',
  EndpointPort: 'name=1 port=2:i! protocol=3 appProtocol=4!',
  Node: 'metadata=1:ObjectMeta spec=2:NodeSpec status=3:NodeStatus',
  NodeSpec: `podCIDR=1 podCIDRs=7:[]s providerID=3 unschedulable=4:b taints=5:[]Taint configSource=6:NodeConfigSource
             externalID=2`,
  Taint: 'key=1! value=2 effect=3! timeAdded=4:T',
  NodeConfigSource: 'configMap=2:ConfigMapNodeConfigSource',
  ConfigMapNodeConfigSource: 'namespace=1! name=2! uid=3 resourceVersion=4 kubeletConfigKey=5!',
  NodeStatus: `capacity=1:{}Q allocatable=2:{}Q phase=3 conditions=4:[]NodeCondition addresses=5:[]NodeAddress
               daemonEndpoints=6:NodeDaemonEndpoints nodeInfo=7:NodeSystemInfo images=8:[]ContainerImage
               volumesInUse=9:[]s volumesAttached=10:[]AttachedVolume config=11:NodeConfigStatus
               runtimeHandlers=12:[]NodeRuntimeHandler features=13:NodeFeatures`,
  NodeCondition: 'type=1! status=2! lastHeartbeatTime=3:T lastTransitionTime=4:T reason=5 message=6',
  NodeAddress: 'type=1! address=2!',
  NodeDaemonEndpoints: 'kubeletEndpoint=1:DaemonEndpoint',
  DaemonEndpoint: 'Port=1:i!',
  NodeSystemInfo: `machineID=1! systemUUID=2! bootID=3! kernelVersion=4! osImage=5! containerRuntimeVersion=6!
                   kubeletVersion=7! kubeProxyVersion=8! operatingSystem=9! architecture=10! swap=11:NodeSwapStatus`,
  NodeSwapStatus: 'capacity=1:l!',
  ContainerImage: 'names=1:[]s sizeBytes=2:l',
  AttachedVolume: 'name=1! devicePath=2!',
  NodeConfigStatus: 'assigned=1:NodeConfigSource active=2:NodeConfigSource lastKnownGood=3:NodeConfigSource error=4',
  NodeRuntimeHandler: 'name=1! features=2:NodeRuntimeHandlerFeatures',
  NodeRuntimeHandlerFeatures: 'recursiveReadOnlyMounts=1:b! userNamespaces=2:b!',
  NodeFeatures: 'supplementalGroupsPolicy=1:b!',
  PersistentVolumeClaim: `metadata=1:ObjectMeta spec=2:PersistentVolumeClaimSpec status=3:PersistentVolumeClaimStatus`,
  PersistentVolumeClaimStatus: `phase=1 accessModes=2:[]s capacity=3:{}Q conditions=4:[]PersistentVolumeClaimCondition
                                allocatedResources=5:{}Q allocatedResourceStatuses=7:{}s
                                currentVolumeAttributesClassName=8! modifyVolumeStatus=9:ModifyVolumeStatus`,
  PersistentVolumeClaimCondition: 'type=1! status=2! lastProbeTime=3:T lastTransitionTime=4:T reason=5 message=6',
  ModifyVolumeStatus: 'targetVolumeAttributesClassName=1 status=2!',
  PersistentVolume: 'metadata=1:ObjectMeta spec=2:PersistentVolumeSpec status=3:PersistentVolumeStatus',
  PersistentVolumeSpec: `capacity=1:{}Q ...=2:PersistentVolumeSource accessModes=3:[]s claimRef=4:ObjectReference
                         persistentVolumeReclaimPolicy=5 storageClassName=6 mountOptions=7:[]s volumeMode=8!
                         nodeAffinity=9:VolumeNodeAffinity volumeAttributesClassName=10!`,
  PersistentVolumeSource: `gcePersistentDisk=1:GCEPersistentDiskVolumeSource
                           awsElasticBlockStore=2:AWSElasticBlockStoreVolumeSource hostPath=3:HostPathVolumeSource
                           glusterfs=4:GlusterfsPersistentVolumeSource nfs=5:NFSVolumeSource
                           rbd=6:RBDPersistentVolumeSource iscsi=7:ISCSIPersistentVolumeSource
                           cinder=8:CinderPersistentVolumeSource cephfs=9:CephFSPersistentVolumeSource
                           fc=10:FCVolumeSource flocker=11:FlockerVolumeSource
                           flexVolume=12:FlexPersistentVolumeSource azureFile=13:AzureFilePersistentVolumeSource
                           vsphereVolume=14:VsphereVirtualDiskVolumeSource quobyte=15:QuobyteVolumeSource
                           azureDisk=16:AzureDiskVolumeSource photonPersistentDisk=17:PhotonPersistentDiskVolumeSource
                           portworxVolume=18:PortworxVolumeSource scaleIO=19:ScaleIOPersistentVolumeSource
                           local=20:LocalVolumeSource storageos=21:StorageOSPersistentVolumeSource
                           csi=22:CSIPersistentVolumeSource`,
  GlusterfsPersistentVolumeSource: 'endpoints=1! path=2! readOnly=3:b endpointsNamespace=4!',
  RBDPersistentVolumeSource: `monitors=1:[]s image=2! fsType=3 pool=4 user=5 keyring=6 secretRef=7:SecretReference
                              readOnly=8:b`,
  SecretReference: 'name=1 namespace=2',
  ISCSIPersistentVolumeSource: `targetPortal=1! iqn=2! lun=3:i! iscsiInterface=4 fsType=5 readOnly=6:b portals=7:[]s
                                chapAuthDiscovery=8:b chapAuthSession=11:b secretRef=10:SecretReference
                                initiatorName=12!`,
  CinderPersistentVolumeSource: 'volumeID=1! fsType=2 readOnly=3:b secretRef=4:SecretReference',
  CephFSPersistentVolumeSource: 'monitors=1:[]s path=2 user=3 secretFile=4 secretRef=5:SecretReference readOnly=6:b',
  FlexPersistentVolumeSource: 'driver=1! fsType=2 secretRef=3:SecretReference readOnly=4:b options=5:{}s',
  AzureFilePersistentVolumeSource: 'secretName=1! shareName=2! readOnly=3:b secretNamespace=4!',
  ScaleIOPersistentVolumeSource: `gateway=1! system=2! secretRef=3:SecretReference sslEnabled=4:b protectionDomain=5
                                  storagePool=6 storageMode=7 volumeName=8 fsType=9 readOnly=10:b`,
  LocalVolumeSource: 'path=1! fsType=2!',
  StorageOSPersistentVolumeSource: 'volumeName=1 volumeNamespace=2 fsType=3 readOnly=4:b secretRef=5:ObjectReference',
  CSIPersistentVolumeSource: `driver=1! volumeHandle=2! readOnly=3:b fsType=4 volumeAttributes=5:{}s
                              controllerPublishSecretRef=6:SecretReference nodeStageSecretRef=7:SecretReference
                              nodePublishSecretRef=8:SecretReference controllerExpandSecretRef=9:SecretReference
                              nodeExpandSecretRef=10:SecretReference`,
  VolumeNodeAffinity: 'required=1:NodeSelector',
  PersistentVolumeStatus: 'phase=1 message=2 reason=3 lastPhaseTransitionTime=4:T',
  ReplicationController: `metadata=1:ObjectMeta spec=2:ReplicationControllerSpec status=3:ReplicationControllerStatus`,
  ReplicationControllerSpec: 'replicas=1:i! minReadySeconds=4:i selector=2:{}s template=3:PodTemplateSpec',
  ReplicationControllerStatus: `replicas=1:i! fullyLabeledReplicas=2:i readyReplicas=4:i availableReplicas=5:i
                                observedGeneration=3:l conditions=6:[]ReplicationControllerCondition`,
  ReplicationControllerCondition: 'type=1! status=2! lastTransitionTime=3:T reason=4 message=5',
  Binding: 'metadata=1:ObjectMeta target=2:ObjectReference',
  ResourceQuota: 'metadata=1:ObjectMeta spec=2:ResourceQuotaSpec status=3:ResourceQuotaStatus',
  ResourceQuotaSpec: 'hard=1:{}Q scopes=2:[]s scopeSelector=3:ScopeSelector',
  ScopeSelector: 'matchExpressions=1:[]ScopedResourceSelectorRequirement',
  ScopedResourceSelectorRequirement: 'scopeName=1! operator=2! values=3:[]s',
  ResourceQuotaStatus: 'hard=1:{}Q used=2:{}Q',
  LimitRange: 'metadata=1:ObjectMeta spec=2:LimitRangeSpec',
  LimitRangeSpec: 'limits=1:[]LimitRangeItem',
  LimitRangeItem: 'type=1! max=2:{}Q min=3:{}Q default=4:{}Q defaultRequest=5:{}Q maxLimitRequestRatio=6:{}Q',
  // apps.v1
  Deployment: 'metadata=1:ObjectMeta spec=2:DeploymentSpec status=3:DeploymentStatus',
  DeploymentSpec: `replicas=1:i! selector=2:LabelSelector template=3:PodTemplateSpec strategy=4:DeploymentStrategy
                   minReadySeconds=5:i revisionHistoryLimit=6:i! paused=7:b progressDeadlineSeconds=9:i!`,
  DeploymentStrategy: 'type=1 rollingUpdate=2:RollingUpdateDeployment',
  RollingUpdateDeployment: 'maxUnavailable=1:IS maxSurge=2:IS',
  DeploymentStatus: `observedGeneration=1:l replicas=2:i updatedReplicas=3:i readyReplicas=7:i availableReplicas=4:i
                     unavailableReplicas=5:i terminatingReplicas=9:i! conditions=6:[]DeploymentCondition
                     collisionCount=8:i!`,
  DeploymentCondition: 'type=1! status=2! lastUpdateTime=6:T lastTransitionTime=7:T reason=4 message=5',
  ReplicaSet: 'metadata=1:ObjectMeta spec=2:ReplicaSetSpec status=3:ReplicaSetStatus',
  ReplicaSetSpec: 'replicas=1:i! minReadySeconds=4:i selector=2:LabelSelector template=3:PodTemplateSpec',
  ReplicaSetStatus: `replicas=1:i! fullyLabeledReplicas=2:i readyReplicas=4:i availableReplicas=5:i
                     terminatingReplicas=7:i! observedGeneration=3:l conditions=6:[]ReplicaSetCondition`,
  ReplicaSetCondition: 'type=1! status=2! lastTransitionTime=3:T reason=4 message=5',
  StatefulSet: 'metadata=1:ObjectMeta spec=2:StatefulSetSpec status=3:StatefulSetStatus',
  StatefulSetSpec: `replicas=1:i! selector=2:LabelSelector template=3:PodTemplateSpec
                    volumeClaimTemplates=4:[]PersistentVolumeClaim serviceName=5! podManagementPolicy=6
                    updateStrategy=7:StatefulSetUpdateStrategy revisionHistoryLimit=8:i! minReadySeconds=9:i
                    persistentVolumeClaimRetentionPolicy=10:StatefulSetPersistentVolumeClaimRetentionPolicy
                    ordinals=11:StatefulSetOrdinals`,
  StatefulSetUpdateStrategy: 'type=1 rollingUpdate=2:RollingUpdateStatefulSetStrategy',
  RollingUpdateStatefulSetStrategy: 'partition=1:i! maxUnavailable=2:IS',
  StatefulSetPersistentVolumeClaimRetentionPolicy: 'whenDeleted=1 whenScaled=2',
  StatefulSetOrdinals: 'start=1:i!',
  StatefulSetStatus: `observedGeneration=1:l replicas=2:i! readyReplicas=3:i currentReplicas=4:i updatedReplicas=5:i
                      currentRevision=6 updateRevision=7 collisionCount=9:i! conditions=10:[]StatefulSetCondition
                      availableReplicas=11:i!`,
  StatefulSetCondition: 'type=1! status=2! lastTransitionTime=3:T reason=4 message=5',
  DaemonSet: 'metadata=1:ObjectMeta spec=2:DaemonSetSpec status=3:DaemonSetStatus',
  DaemonSetSpec: `selector=1:LabelSelector template=2:PodTemplateSpec updateStrategy=3:DaemonSetUpdateStrategy
                  minReadySeconds=4:i revisionHistoryLimit=6:i!`,
  DaemonSetUpdateStrategy: 'type=1 rollingUpdate=2:RollingUpdateDaemonSet',
  RollingUpdateDaemonSet: 'maxUnavailable=1:IS maxSurge=2:IS',
  DaemonSetStatus: `currentNumberScheduled=1:i! numberMisscheduled=2:i! desiredNumberScheduled=3:i! numberReady=4:i!
                    observedGeneration=5:l updatedNumberScheduled=6:i numberAvailable=7:i numberUnavailable=8:i
                    collisionCount=9:i! conditions=10:[]DaemonSetCondition`,
  DaemonSetCondition: 'type=1! status=2! lastTransitionTime=3:T reason=4 message=5',
  ControllerRevision: 'metadata=1:ObjectMeta data=2:RE revision=3:l!',
  // batch.v1
  Job: 'metadata=1:ObjectMeta spec=2:JobSpec status=3:JobStatus',
  JobSpec: `parallelism=1:i! completions=2:i! activeDeadlineSeconds=3:l! podFailurePolicy=11:PodFailurePolicy
            successPolicy=16:SuccessPolicy backoffLimit=7:i! backoffLimitPerIndex=12:i! maxFailedIndexes=13:i!
            selector=4:LabelSelector manualSelector=5:b! template=6:PodTemplateSpec ttlSecondsAfterFinished=8:i!
            completionMode=9! suspend=10:b! podReplacementPolicy=14! managedBy=15!`,
  PodFailurePolicy: 'rules=1:[]PodFailurePolicyRule',
  PodFailurePolicyRule: `action=1! onExitCodes=2:PodFailurePolicyOnExitCodesRequirement
                         onPodConditions=3:[]PodFailurePolicyOnPodConditionsPattern`,
  PodFailurePolicyOnExitCodesRequirement: 'containerName=1! operator=2! values=3:[]i',
  PodFailurePolicyOnPodConditionsPattern: 'type=1! status=2!',
  SuccessPolicy: 'rules=1:[]SuccessPolicyRule',
  SuccessPolicyRule: 'succeededIndexes=1! succeededCount=2:i!',
  JobStatus: `conditions=1:[]JobCondition startTime=2:T completionTime=3:T active=4:i succeeded=5:i failed=6:i
              terminating=11:i! completedIndexes=7 failedIndexes=10! uncountedTerminatedPods=8:UncountedTerminatedPods
              ready=9:i!`,
  JobCondition: 'type=1! status=2! lastProbeTime=3:T lastTransitionTime=4:T reason=5 message=6',
  UncountedTerminatedPods: 'succeeded=1:[]s failed=2:[]s',
  CronJob: 'metadata=1:ObjectMeta spec=2:CronJobSpec status=3:CronJobStatus',
  CronJobSpec: `schedule=1! timeZone=8! startingDeadlineSeconds=2:l! concurrencyPolicy=3 suspend=4:b!
                jobTemplate=5:JobTemplateSpec successfulJobsHistoryLimit=6:i! failedJobsHistoryLimit=7:i!`,
  JobTemplateSpec: 'metadata=1:ObjectMeta spec=2:JobSpec',
  CronJobStatus: 'active=1:[]ObjectReference lastScheduleTime=4:T lastSuccessfulTime=5:T',
  // policy.v1
  PodDisruptionBudget: 'metadata=1:ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus',
  PodDisruptionBudgetSpec: `minAvailable=1:IS selector=2:LabelSelector maxUnavailable=3:IS
                            unhealthyPodEvictionPolicy=4!`,
  PodDisruptionBudgetStatus: `observedGeneration=1:l disruptedPods=2:{}T disruptionsAllowed=3:i! currentHealthy=4:i!
                              desiredHealthy=5:i! expectedPods=6:i! conditions=7:[]Condition`,
  Eviction: 'metadata=1:ObjectMeta deleteOptions=2:DeleteOptions',
  // coordination.v1
  Lease: 'metadata=1:ObjectMeta spec=2:LeaseSpec',
  LeaseSpec: `holderIdentity=1! leaseDurationSeconds=2:i! acquireTime=3:MT renewTime=4:MT leaseTransitions=5:i!
              strategy=6! preferredHolder=7!`,
  // events.v1
  'events.Event': `metadata=1:ObjectMeta eventTime=2:MT series=3:events.EventSeries reportingController=4
                   reportingInstance=5 action=6 reason=7 regarding=8:ObjectReference related=9:ObjectReference note=10
                   type=11 deprecatedSource=12:EventSource deprecatedFirstTimestamp=13:T deprecatedLastTimestamp=14:T
                   deprecatedCount=15:i`,
  'events.EventSeries': 'count=1:i! lastObservedTime=2:MT',
  // discovery.v1
  EndpointSlice: 'metadata=1:ObjectMeta addressType=4! endpoints=2:[]Endpoint ports=3:[]discovery.EndpointPort',
  Endpoint: `addresses=1:[]s conditions=2:EndpointConditions hostname=3! targetRef=4:ObjectReference
             deprecatedTopology=5:{}s nodeName=6! zone=7! hints=8:EndpointHints`,
  EndpointConditions: 'ready=1:b! serving=2:b! terminating=3:b!',
  EndpointHints: 'forZones=1:[]ForZone forNodes=2:[]ForNode',
  ForZone: 'name=1!',
  ForNode: 'name=1!',
  'discovery.EndpointPort': 'name=1! protocol=2! port=3:i! appProtocol=4!',
  // rbac.v1
  Role: 'metadata=1:ObjectMeta rules=2:[]PolicyRule',
  PolicyRule: 'verbs=1:[]s apiGroups=2:[]s resources=3:[]s resourceNames=4:[]s nonResourceURLs=5:[]s',
  ClusterRole: 'metadata=1:ObjectMeta rules=2:[]PolicyRule aggregationRule=3:AggregationRule',
  AggregationRule: 'clusterRoleSelectors=1:[]LabelSelector',
  RoleBinding: 'metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef',
  Subject: 'kind=1! apiGroup=2 name=3! namespace=4',
  RoleRef: 'apiGroup=1! kind=2! name=3!',
  ClusterRoleBinding: 'metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef',
  // scheduling.v1
  PriorityClass: 'metadata=1:ObjectMeta value=2:i! globalDefault=3:b description=4 preemptionPolicy=5!',
  // networking.v1
  Ingress: 'metadata=1:ObjectMeta spec=2:IngressSpec status=3:IngressStatus',
  IngressSpec: 'ingressClassName=4! defaultBackend=1:IngressBackend tls=2:[]IngressTLS rules=3:[]IngressRule',
  IngressBackend: 'service=4:IngressServiceBackend resource=3:TypedLocalObjectReference',
  IngressServiceBackend: 'name=1! port=2:ServiceBackendPort',
  ServiceBackendPort: 'name=1 number=2:i',
  IngressTLS: 'hosts=1:[]s secretName=2',
  IngressRule: 'host=1 ...=2:IngressRuleValue',
  IngressRuleValue: 'http=1:HTTPIngressRuleValue',
  HTTPIngressRuleValue: 'paths=1:[]HTTPIngressPath',
  HTTPIngressPath: 'path=1 pathType=3! backend=2:IngressBackend',
  IngressStatus: 'loadBalancer=1:IngressLoadBalancerStatus',
  IngressLoadBalancerStatus: 'ingress=1:[]IngressLoadBalancerIngress',
  IngressLoadBalancerIngress: 'ip=1 hostname=2 ports=4:[]IngressPortStatus',
  IngressPortStatus: 'port=1:i! protocol=2! error=3!',
  IngressClass: 'metadata=1:ObjectMeta spec=2:IngressClassSpec',
  IngressClassSpec: 'controller=1 parameters=2:IngressClassParametersReference',
  IngressClassParametersReference: 'apiGroup=1! kind=2! name=3! scope=4! namespace=5!',
  // authentication.v1
  TokenRequest: 'metadata=1:ObjectMeta spec=2:TokenRequestSpec status=3:TokenRequestStatus',
  TokenRequestSpec: 'audiences=1:[]s expirationSeconds=4:l! boundObjectRef=3:BoundObjectReference',
  BoundObjectReference: 'kind=1 apiVersion=2 name=3 uid=4',
  TokenRequestStatus: 'token=1! expirationTimestamp=2:T',
  SelfSubjectReview: 'metadata=1:ObjectMeta status=2:SelfSubjectReviewStatus',
  SelfSubjectReviewStatus: 'userInfo=1:UserInfo',
  UserInfo: 'username=1 uid=2 groups=3:[]s extra=4:{}SL',
  TokenReview: 'metadata=1:ObjectMeta spec=2:TokenReviewSpec status=3:TokenReviewStatus',
  TokenReviewSpec: 'token=1 audiences=2:[]s',
  TokenReviewStatus: 'authenticated=1:b user=2:UserInfo audiences=4:[]s error=3',
  // authorization.v1
  SelfSubjectAccessReview: `metadata=1:ObjectMeta spec=2:SelfSubjectAccessReviewSpec
                            status=3:SubjectAccessReviewStatus`,
  SelfSubjectAccessReviewSpec: `resourceAttributes=1:ResourceAttributes nonResourceAttributes=2:NonResourceAttributes`,
  ResourceAttributes: `namespace=1 verb=2 group=3 version=4 resource=5 subresource=6 name=7
                       fieldSelector=8:FieldSelectorAttributes labelSelector=9:LabelSelectorAttributes`,
  FieldSelectorAttributes: 'rawSelector=1 requirements=2:[]FieldSelectorRequirement',
  LabelSelectorAttributes: 'rawSelector=1 requirements=2:[]LabelSelectorRequirement',
  NonResourceAttributes: 'path=1 verb=2',
  SubjectAccessReviewStatus: 'allowed=1:b! denied=4:b reason=2 evaluationError=3',
  SelfSubjectRulesReview: 'metadata=1:ObjectMeta spec=2:SelfSubjectRulesReviewSpec status=3:SubjectRulesReviewStatus',
  SelfSubjectRulesReviewSpec: 'namespace=1',
  SubjectRulesReviewStatus: `resourceRules=1:[]ResourceRule nonResourceRules=2:[]NonResourceRule incomplete=3:b!
                             evaluationError=4`,
  ResourceRule: 'verbs=1:[]s apiGroups=2:[]s resources=3:[]s resourceNames=4:[]s',
  NonResourceRule: 'verbs=1:[]s nonResourceURLs=2:[]s',
  SubjectAccessReview: 'metadata=1:ObjectMeta spec=2:SubjectAccessReviewSpec status=3:SubjectAccessReviewStatus',
  SubjectAccessReviewSpec: `resourceAttributes=1:ResourceAttributes nonResourceAttributes=2:NonResourceAttributes
                            user=3 groups=4:[]s extra=5:{}SL uid=6`,
  LocalSubjectAccessReview: 'metadata=1:ObjectMeta spec=2:SubjectAccessReviewSpec status=3:SubjectAccessReviewStatus',
  // autoscaling.v1
  Scale: 'metadata=1:ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus',
  ScaleSpec: 'replicas=1:i',
  ScaleStatus: 'replicas=1:i! selector=2',
};

/** apiVersion/kind of the envelope's TypeMeta → message of MESSAGES. */
export const KINDS: Readonly<Record<string, string>> = {
  'v1/Pod': 'Pod',
  'v1/PodTemplate': 'PodTemplate',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Namespace': 'Namespace',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Service': 'Service',
  'v1/Event': 'Event',
  'v1/Endpoints': 'Endpoints',
  'v1/Node': 'Node',
  'v1/PersistentVolumeClaim': 'PersistentVolumeClaim',
  'v1/PersistentVolume': 'PersistentVolume',
  'v1/ReplicationController': 'ReplicationController',
  'v1/Binding': 'Binding',
  'v1/ResourceQuota': 'ResourceQuota',
  'v1/LimitRange': 'LimitRange',
  'apps/v1/Deployment': 'Deployment',
  'apps/v1/ReplicaSet': 'ReplicaSet',
  'apps/v1/StatefulSet': 'StatefulSet',
  'apps/v1/DaemonSet': 'DaemonSet',
  'apps/v1/ControllerRevision': 'ControllerRevision',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'policy/v1/Eviction': 'Eviction',
  'policy/v1beta1/Eviction': 'Eviction',
  'coordination.k8s.io/v1/Lease': 'Lease',
  'events.k8s.io/v1/Event': 'events.Event',
  'discovery.k8s.io/v1/EndpointSlice': 'EndpointSlice',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'networking.k8s.io/v1/Ingress': 'Ingress',
  'networking.k8s.io/v1/IngressClass': 'IngressClass',
  'authentication.k8s.io/v1/TokenRequest': 'TokenRequest',
  'authentication.k8s.io/v1/TokenReview': 'TokenReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1beta1/SelfSubjectReview': 'SelfSubjectReview',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'LocalSubjectAccessReview',
  'autoscaling/v1/Scale': 'Scale',
};

/**
 * Kinds upstream registers into every group version (metav1.AddToGroupVersion), so their
 * envelope may name any apiVersion (v1, apps/v1, meta.k8s.io/v1, ...).
 */
export const ANY_VERSION_KINDS: Readonly<Record<string, string>> = {
  DeleteOptions: 'DeleteOptions',
};
